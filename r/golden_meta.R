# Golden reference values for mmdecide.engine.meta (pooling) and mmdecide.engine.indirect (Bucher).
#
# Run from the repository root:   Rscript r/golden_meta.R
# Writes:                         tests/golden/meta.json   (regenerates it byte for byte)
#
# Oracle: metafor (Viechtbauer 2010, J Stat Softw 36(3)) -- escalc() then rma() / rma.mv(),
# predict() and confint(). Iterative estimators are run with tight tolerances
# (control tol = threshold = 1e-12) because metafor's defaults (uniroot tol = eps^0.25 for PM,
# Fisher-scoring threshold 1e-5 for REML) stop about 6e-6 away from the root.
#
# jsonlite is not installed here, so JSON is written by hand with sprintf("%.17g").
#
# The lenalidomide hazard ratios below are TEST FIXTURES, NOT EVIDENCE: they are used only to
# exercise the code on realistic magnitudes. The IFM 2005-02 confidence interval in particular is
# synthetic (made up for this test), not a published value.

suppressPackageStartupMessages(library(metafor))

out_path <- file.path("tests", "golden", "meta.json")
ctrl <- list(tol = 1e-12, threshold = 1e-12, maxiter = 10000)

# ---- minimal JSON writer --------------------------------------------------------------------
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  paste0("\"", s, "\"")
}
json_num <- function(x) {
  if (is.na(x)) return("null")
  if (is.infinite(x)) stop("cannot write infinite value to JSON")
  sprintf("%.17g", x)
}
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1)
  end <- strrep("  ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return("{}")
    keys <- names(x)
    items <- vapply(seq_along(x), function(i) {
      paste0(pad, json_str(keys[i]), ": ", to_json(x[[i]], indent + 1))
    }, character(1))
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
  }
  if (is.character(x)) {
    if (length(x) == 1 && is.null(attr(x, "as_array"))) return(json_str(x))
    return(paste0("[", paste(vapply(x, json_str, character(1)), collapse = ", "), "]"))
  }
  if (is.logical(x) && length(x) == 1 && !is.na(x) && is.null(attr(x, "as_array"))) {
    return(if (x) "true" else "false")
  }
  if (is.numeric(x) || is.logical(x)) {
    force_array <- !is.null(attr(x, "as_array"))
    x <- as.numeric(x)
    if (length(x) == 1 && !force_array) return(json_num(x))
    return(paste0("[", paste(vapply(x, json_num, character(1)), collapse = ", "), "]"))
  }
  stop("unsupported type")
}
arr <- function(x) { attr(x, "as_array") <- TRUE; x }  # force a JSON array even for length 1

# ---- one fit, every quantity the engine reports ----------------------------------------------
fit_one <- function(yi, vi, method, hk) {
  test <- if (hk) "knha" else "z"
  # metafor warns that Knapp-Hartung is "not meant" for FE models; we record the numbers anyway
  res <- suppressWarnings(rma(yi = yi, vi = vi, method = method, test = test, control = ctrl))
  pr <- predict(res)
  pr_riley <- predict(res, pi.type = "riley")
  k <- res$k
  out <- list(
    method = method,
    hartung_knapp = hk,
    k = k,
    estimate = as.numeric(res$beta),
    se = res$se,
    stat = res$zval,
    pval = res$pval,
    ci_lb = res$ci.lb,
    ci_ub = res$ci.ub,
    df = if (is.na(res$ddf)) NA else res$ddf,
    tau2 = res$tau2,
    i2 = res$I2,
    h2 = res$H2,
    q = res$QE,
    q_df = k - 1,
    q_p = res$QEp,
    pi_lb = pr$pi.lb,
    pi_ub = pr$pi.ub,
    pi_riley_lb = pr_riley$pi.lb,
    pi_riley_ub = pr_riley$pi.ub,
    weights_percent = arr(as.numeric(weights(res)))
  )
  if (method != "FE" && k > 1) {
    ci <- confint(res, control = list(tol = 1e-12))$random
    out$tau2_ci_lb <- ci["tau^2", "ci.lb"]
    out$tau2_ci_ub <- ci["tau^2", "ci.ub"]
    out$i2_ci_lb <- ci["I^2(%)", "ci.lb"]
    out$i2_ci_ub <- ci["I^2(%)", "ci.ub"]
    out$h2_ci_lb <- ci["H^2", "ci.lb"]
    out$h2_ci_ub <- ci["H^2", "ci.ub"]
  }
  out
}

fit_all <- function(yi, vi) {
  fits <- list()
  for (m in c("FE", "DL", "REML", "PM")) {
    for (hk in c(FALSE, TRUE)) {
      if (hk && length(yi) < 2) next  # HK needs k - 1 >= 1 degrees of freedom
      fits[[paste0(m, if (hk) "_HK" else "")]] <- fit_one(yi, vi, m, hk)
    }
  }
  fits
}

datasets <- list()

# (a) lenalidomide maintenance PFS hazard ratios (TEST FIXTURE, NOT EVIDENCE) --------------------
len <- data.frame(
  study = c("CALGB 100104", "IFM 2005-02", "GIMEMA"),
  hr = c(0.57, 0.50, 0.47),
  lower = c(0.46, 0.41, 0.33),
  upper = c(0.71, 0.62, 0.65)
)
z975 <- qnorm(0.975)
len_yi <- log(len$hr)
len_sei <- (log(len$upper) - log(len$lower)) / (2 * z975)
datasets$lenalidomide_pfs <- list(
  description = "PFS hazard ratios of lenalidomide maintenance vs placebo/observation after ASCT",
  fixture_note = paste(
    "TEST FIXTURE, NOT EVIDENCE. Values are used only to exercise the code at realistic magnitudes.",
    "The IFM 2005-02 interval 0.41-0.62 is SYNTHETIC test data, not a published value."
  ),
  input = list(study = arr(len$study), hr = arr(len$hr), lower = arr(len$lower),
               upper = arr(len$upper), conf_level = 0.95),
  yi = arr(len_yi),
  sei = arr(len_sei),
  vi = arr(len_sei^2),
  fits = fit_all(len_yi, len_sei^2)
)

# (b) BCG vaccine trials, log risk ratios from metafor's dat.bcg (realistic heterogeneity) ------
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
datasets$bcg <- list(
  description = "metafor dat.bcg (Colditz et al. 1994), escalc(measure='RR'): log risk ratios",
  input = list(study = arr(paste(dat.bcg$author, dat.bcg$year))),
  yi = arr(as.numeric(bcg$yi)),
  vi = arr(as.numeric(bcg$vi)),
  fits = fit_all(as.numeric(bcg$yi), as.numeric(bcg$vi))
)

# (c) homogeneous studies: Q < k - 1, so DL and PM truncate tau^2 at 0 ---------------------------
hom_yi <- c(-0.30, -0.28, -0.32, -0.29, -0.31)
hom_sei <- c(0.10, 0.12, 0.15, 0.11, 0.13)
datasets$homogeneous <- list(
  description = "synthetic homogeneous log hazard ratios with Q < k - 1 (tau^2 truncated at 0)",
  input = list(study = arr(paste("hom", 1:5))),
  yi = arr(hom_yi),
  sei = arr(hom_sei),
  vi = arr(hom_sei^2),
  fits = fit_all(hom_yi, hom_sei^2)
)

# (d) k = 2 with heterogeneity ------------------------------------------------------------------
two_yi <- c(-0.5, 0.1)
two_sei <- c(0.2, 0.3)
datasets$two_studies <- list(
  description = "synthetic k = 2 log hazard ratios, heterogeneous",
  input = list(study = arr(c("two 1", "two 2"))),
  yi = arr(two_yi),
  sei = arr(two_sei),
  vi = arr(two_sei^2),
  fits = fit_all(two_yi, two_sei^2)
)

# (e) k = 1: only the FE model is meaningful; RE methods report tau^2 = 0 ---------------------
one_yi <- c(-0.4)
one_sei <- c(0.15)
datasets$one_study <- list(
  description = "synthetic single study (k = 1)",
  input = list(study = arr("one 1")),
  yi = arr(one_yi),
  sei = arr(one_sei),
  vi = arr(one_sei^2),
  fits = fit_all(one_yi, one_sei^2)
)

# ---- indirect comparisons (Bucher 1997) as a meta-regression with treatment indicators --------
# Convention: every trial's y is log HR of its experimental arm vs the common comparator B
# (observation/placebo). Coefficient b_A = log HR(A vs B), b_C = log HR(C vs B), and the indirect
# log HR(A vs C) = b_A - b_C: predict() at newmods c(1, -1). rma.mv is used rather than
# rma.uni(..., intercept = FALSE) (metafor 3.8's rma.uni without
# intercept computes the heterogeneity Q from mean-centred y).
indirect_case <- function(yi, vi, xa, xc, labels) {
  res <- rma.mv(yi = yi, V = vi, mods = ~ xa + xc - 1, control = list(rel.tol = 1e-14))
  pr <- predict(res, newmods = c(1, -1))
  list(
    study = arr(labels), yi = arr(yi), vi = arr(vi), is_a = arr(xa), is_c = arr(xc),
    log_estimate = pr$pred, se = pr$se, ci_lb = pr$ci.lb, ci_ub = pr$ci.ub,
    zval = pr$pred / pr$se, pval = 2 * pnorm(abs(pr$pred / pr$se), lower.tail = FALSE)
  )
}
# Illustrative HRs (TEST FIXTURE, NOT EVIDENCE): A = "daratumumab maintenance" vs observation,
# C = lenalidomide vs observation.
dara_yi <- log(0.53)
dara_sei <- (log(0.42) - log(0.68)) / (-2 * z975)
indirect <- list(
  fixture_note = "TEST FIXTURE, NOT EVIDENCE: illustrative hazard ratios only.",
  two_trials = indirect_case(
    c(dara_yi, len_yi[1]), c(dara_sei^2, len_sei[1]^2), c(1, 0), c(0, 1),
    c("A vs B (illustrative dara 0.53 (0.42-0.68))", "CALGB 100104 (C vs B)")
  ),
  pooled_c_arm = indirect_case(
    c(dara_yi, len_yi), c(dara_sei^2, len_sei^2), c(1, 0, 0, 0), c(0, 1, 1, 1),
    c("A vs B (illustrative dara 0.53 (0.42-0.68))", len$study)
  )
)

golden <- list(
  generated_by = list(
    script = "r/golden_meta.R",
    r_version = R.version.string,
    metafor_version = as.character(packageVersion("metafor")),
    control = paste("rma control list(tol = 1e-12, threshold = 1e-12, maxiter = 10000);",
                    "confint control list(tol = 1e-12)"),
    note = "Lenalidomide and daratumumab inputs are TEST FIXTURES, NOT EVIDENCE."
  ),
  datasets = datasets,
  indirect = indirect
)

dir.create(dirname(out_path), showWarnings = FALSE, recursive = TRUE)
writeLines(to_json(golden), out_path, useBytes = TRUE)
cat("wrote", out_path, "\n")
