# Golden values for mmdecide.engine.parametric (maximum-likelihood parametric survival fits).
#
# Run from the repository root:  Rscript r/golden_parametric.R
# Writes tests/golden/parametric.json (overwritten; deterministic).
#
# Sources of the reference numbers:
#   * exponential, Weibull, log-normal, log-logistic: survival::survreg(Surv(time, status) ~ 1, dist = ...)
#     (an AFT fit: log T = mu + sigma * W); we store its intercept mu, scale sigma, the maximised
#     log-likelihood and vcov() on the (Intercept, Log(scale)) scale. The Python test converts
#     parameterisations (mapping documented in tests/test_engine_parametric.py).
#   * Gompertz: flexsurv is not available here, so the reference is a direct maximisation of the
#     Gompertz log-likelihood (h(t) = rate * exp(shape * t), flexsurv's parameterisation) with
#     optim(method = "BFGS", reltol = 1e-12, hessian = TRUE) and the analytic gradient, on the
#     scale (shape * 1000, log rate) so that both coordinates are O(1). The covariance is the
#     inverse of the analytic observed information at the optimum (optim's own finite-difference
#     Hessian is also stored, for comparison).
#   * Piecewise exponential: closed form (events / exposure per interval), computed by manual sums.
#     Intervals are (c_{j-1}, c_j]: a time equal to a breakpoint belongs to the interval that ends
#     there. The breakpoints are chosen at tied observed times to exercise exactly that rule.
#     survival::pyears is used as an independent check of the exposure (it must agree).
suppressPackageStartupMessages(library(survival))

num <- function(x) {
  # JSON numbers with full double precision; vectors become arrays.
  s <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  if (length(x) == 1) s else paste0("[", paste(s, collapse = ", "), "]")
}
mat <- function(m) paste0("[", paste(apply(m, 1, num_arr), collapse = ", "), "]")
num_arr <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
str <- function(x) paste0('"', x, '"')
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste(sprintf('"%s": %s', names(kv), unlist(kv)), collapse = ", "), "}")
}

datasets <- list(
  lung = data.frame(time = lung$time, event = as.integer(lung$status == 2)),
  veteran = data.frame(time = veteran$time, event = as.integer(veteran$status == 1))
)
breakpoints <- list(lung = c(163, 365), veteran = c(25, 100))

out_data <- c()
out_fits <- c()
for (dname in names(datasets)) {
  d <- datasets[[dname]]
  out_data <- c(out_data, sprintf('"%s": %s', dname,
    obj(time = num_arr(d$time), event = num_arr(d$event))))

  for (dist in c("exponential", "weibull", "lognormal", "loglogistic")) {
    f <- survreg(Surv(time, event) ~ 1, data = d, dist = dist)
    v <- vcov(f)
    out_fits <- c(out_fits, obj(
      data = str(dname), distribution = str(dist), source = str("survreg"),
      intercept = num(unname(coef(f)[1])), scale = num(f$scale),
      loglik = num(f$loglik[2]), vcov = mat(unname(v)),
      vcov_names = paste0("[", paste(str(colnames(v)), collapse = ", "), "]")))
  }

  # Gompertz by direct maximisation; theta = (shape * 1000, log rate).
  t <- d$time; e <- d$event
  negll <- function(th) {
    a <- th[1] / 1000; b <- exp(th[2])
    -(sum(e * (log(b) + a * t)) - sum(b / a * expm1(a * t)))
  }
  grad <- function(th) {
    a <- th[1] / 1000; b <- exp(th[2])
    H <- b / a * expm1(a * t)
    dH_da <- b * (t * exp(a * t) / a - expm1(a * t) / a^2)
    c(-(sum(e * t) - sum(dH_da)) / 1000, -(sum(e) - sum(H)))
  }
  start <- c(0.5, log(sum(e) / sum(t)))
  o <- optim(start, negll, grad, method = "BFGS", hessian = TRUE,
             control = list(reltol = 1e-12, maxit = 10000))
  a <- o$par[1] / 1000; b <- exp(o$par[2])
  # Analytic observed information in (shape, rate).
  ea <- exp(a * t); em <- expm1(a * t)
  dH_db <- em / a
  d2H_da2 <- b * (t^2 * ea / a - 2 * t * ea / a^2 + 2 * em / a^3)
  d2H_dadb <- t * ea / a - em / a^2
  info <- matrix(c(sum(d2H_da2), sum(d2H_dadb), sum(d2H_dadb), sum(e) / b^2), 2, 2)
  # optim's Hessian is in theta = (1000 shape, log rate); transform to (shape, rate).
  J <- diag(c(1000, 1 / b))
  out_fits <- c(out_fits, obj(
    data = str(dname), distribution = str("gompertz"), source = str("optim BFGS reltol=1e-12"),
    shape = num(a), rate = num(b), loglik = num(-o$value), convergence = num(o$convergence),
    vcov = mat(solve(info)), vcov_optim_hessian = mat(solve(t(J) %*% o$hessian %*% J)),
    vcov_names = '["shape", "rate"]'))

  # Piecewise exponential, intervals (c_{j-1}, c_j].
  cuts <- c(0, breakpoints[[dname]], Inf)
  k <- length(cuts) - 1
  events <- exposure <- numeric(k)
  for (j in seq_len(k)) {
    lo <- cuts[j]; hi <- cuts[j + 1]
    exposure[j] <- sum(pmax(0, pmin(t, hi) - lo))
    events[j] <- sum(e[t > lo & t <= hi])
  }
  pycuts <- c(cuts[-length(cuts)], max(t) + 1)  # pyears needs finite cut points
  py <- pyears(Surv(time, event) ~ tcut(rep(0, nrow(d)), pycuts, labels = seq_len(k)),
               data = d, scale = 1)
  stopifnot(isTRUE(all.equal(as.numeric(py$pyears), exposure, tolerance = 1e-12)))
  stopifnot(isTRUE(all.equal(as.numeric(py$event), events)))
  rate <- events / exposure
  ll <- sum(events * log(rate) - rate * exposure)
  out_fits <- c(out_fits, obj(
    data = str(dname), distribution = str("piecewise_exponential"),
    source = str("closed form; exposure checked with survival::pyears"),
    breakpoints = num_arr(breakpoints[[dname]]), events = num_arr(events),
    exposure = num_arr(exposure), rate = num_arr(rate),
    se_rate = num_arr(rate / sqrt(events)), loglik = num(ll)))
}

header <- obj(
  script = str("r/golden_parametric.R"),
  R = str(R.version.string),
  survival = str(as.character(packageVersion("survival"))))
json <- paste0('{\n"generated_by": ', header, ',\n"data": {\n',
               paste(out_data, collapse = ",\n"), '\n},\n"fits": [\n',
               paste(out_fits, collapse = ",\n"), "\n]\n}\n")
writeLines(json, "tests/golden/parametric.json", sep = "")
