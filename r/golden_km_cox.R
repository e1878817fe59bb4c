# Golden values for mmdecide.engine km / logrank / rmst / cox.
# Run from the repository root:  Rscript r/golden_km_cox.R
# Writes tests/golden/km_cox.json (data + R's numbers at full precision, 17 significant digits).
# jsonlite is not installed here, so JSON is written by the small writer below.
suppressPackageStartupMessages(library(survival))

script_name <- "r/golden_km_cox.R"
out_file <- "tests/golden/km_cox.json"

source("r/json_writer.R")  # to_json(): %.17g numbers, NA/NaN/Inf -> null

# ---- data sets -------------------------------------------------------------------------------
lung2 <- data.frame(time = lung$time, status = lung$status - 1, group = lung$sex)
vet <- data.frame(time = veteran$time, status = veteran$status, group = veteran$trt,
                  celltype = as.character(veteran$celltype))
ova <- data.frame(time = ovarian$futime, status = ovarian$fustat, group = ovarian$rx)
# Curve exactly 0.5 on a flat step, then a drop: R's median is the midpoint (3 + 5) / 2 = 4.
flat_mid <- data.frame(time = c(1, 2, 3, 4, 5, 6), status = c(1, 1, 1, 0, 1, 0), group = 1)
# Curve ends on a flat 0.5 step: quantile() gives (2 + 4) / 2 = 3, print() gives 2.
flat_end <- data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 0), group = 1)

datasets <- list(lung = lung2, veteran = vet, ovarian = ova, flat_mid = flat_mid, flat_end = flat_end)

landmarks <- list(lung = c(0, 5, 100, 365, 730, 1000), veteran = c(0, 30, 100, 365),
                  ovarian = c(0, 365, 638, 1000), flat_mid = c(0, 3, 4.5, 6), flat_end = c(0, 2, 4))
taus <- list(lung = c(365, 730, 1022), veteran = c(100, 200, 553), ovarian = c(638, 1000, 1227),
             flat_mid = c(4, 6), flat_end = c(3, 4))

km_block <- function(d, name) {
  fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "log-log")
  s <- summary(fit, censored = TRUE)
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
  tab <- summary(fit)$table
  lm <- summary(fit, times = landmarks[[name]])
  rm <- lapply(taus[[name]], function(tau) {
    t <- survival:::survmean(fit, rmean = tau)$matrix
    list(tau = tau, rmean = unname(t["rmean"]), se = unname(t["se(rmean)"]))
  })
  list(
    n = fit$n, n_events = sum(fit$n.event),
    time = I(fit$time), n_risk = I(fit$n.risk), n_event = I(fit$n.event),
    n_censor = I(fit$n.censor), surv = I(fit$surv),
    std_err_log = I(fit$std.err),            # survfit object: SE of -log S (Greenwood)
    std_err_surv = I(s$std.err),             # summary(): SE of S
    lower = I(fit$lower), upper = I(fit$upper),
    quantile_probs = I(c(0.25, 0.5, 0.75)),
    quantile = I(unname(q$quantile)), quantile_lower = I(unname(q$lower)),
    quantile_upper = I(unname(q$upper)),
    print_median = unname(tab["median"]), print_median_lower = unname(tab["0.95LCL"]),
    print_median_upper = unname(tab["0.95UCL"]),
    landmark_times = I(lm$time), landmark_surv = I(lm$surv), landmark_std_err = I(lm$std.err),
    landmark_lower = I(lm$lower), landmark_upper = I(lm$upper), landmark_n_risk = I(lm$n.risk),
    rmst = rm
  )
}

km <- lapply(names(datasets), function(nm) km_block(datasets[[nm]], nm))
names(km) <- names(datasets)

# RMST by group (strata), tau common to both arms: difference is computed in Python from these.
rmst_groups <- function(d, tau) {
  fit <- survfit(Surv(time, status) ~ group, data = d)
  m <- survival:::survmean(fit, rmean = tau)$matrix
  grp <- sort(unique(d$group))
  list(tau = tau, groups = I(grp), rmean = I(unname(m[, "rmean"])),
       se = I(unname(m[, "se(rmean)"])),
       diff = unname(m[2, "rmean"] - m[1, "rmean"]),
       diff_se = sqrt(sum(m[, "se(rmean)"]^2)))
}
rmst_diff <- list(lung_365 = rmst_groups(lung2, 365), lung_700 = rmst_groups(lung2, 700),
                  veteran_200 = rmst_groups(vet, 200), ovarian_1000 = rmst_groups(ova, 1000))

lr <- function(formula, d) {
  sd <- survdiff(formula, data = d)
  list(chi2 = sd$chisq, df = length(sd$n) - 1,
       p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE),
       observed = I(unname(sd$obs)), expected = I(unname(sd$exp)))
}
logrank <- list(
  lung_sex = lr(Surv(time, status) ~ group, lung2),
  veteran_trt = lr(Surv(time, status) ~ group, vet),
  veteran_celltype = lr(Surv(time, status) ~ celltype, vet),
  ovarian_rx = lr(Surv(time, status) ~ group, ova)
)

cox_block <- function(fit) {
  s <- summary(fit)
  list(names = I(names(coef(fit))), coef = I(unname(coef(fit))),
       se = I(unname(sqrt(diag(vcov(fit))))),
       hr = I(unname(exp(coef(fit)))),
       lower = I(unname(s$conf.int[, "lower .95"])), upper = I(unname(s$conf.int[, "upper .95"])),
       p = I(unname(s$coefficients[, "Pr(>|z|)"])), loglik = fit$loglik[2])
}
# Two groups: HR of the second sorted group vs the first (factor with sorted levels).
cox_two <- function(d) cox_block(coxph(Surv(time, status) ~ factor(group), data = d, ties = "efron"))
lung_cc <- na.omit(data.frame(time = lung$time, status = lung$status - 1, age = lung$age,
                              sex = lung$sex, ph_ecog = lung$ph.ecog))
cox <- list(
  lung_sex = cox_two(lung2),
  veteran_trt = cox_two(vet),
  ovarian_rx = cox_two(ova),
  veteran_celltype = cox_block(coxph(Surv(time, status) ~ factor(celltype), data = vet,
                                     ties = "efron")),
  lung_multi = cox_block(coxph(Surv(time, status) ~ age + sex + ph_ecog, data = lung_cc,
                               ties = "efron"))
)

data_json <- lapply(datasets, function(d) {
  out <- list(time = I(d$time), status = I(d$status), group = I(d$group))
  if (!is.null(d$celltype)) out$celltype <- I(d$celltype)
  out
})
data_json$lung_cc <- list(time = I(lung_cc$time), status = I(lung_cc$status), age = I(lung_cc$age),
                          sex = I(lung_cc$sex), ph_ecog = I(lung_cc$ph_ecog))

golden <- list(
  generated_by = list(script = script_name, R = R.version.string,
                      survival = as.character(packageVersion("survival"))),
  notes = paste("KM with conf.type='log-log'; std_err_log is survfit()$std.err (SE of -log S);",
                "std_err_surv is summary()$std.err (SE of S). rmst from survival:::survmean",
                "(what print(fit, rmean=tau) shows). Cox: coxph ties='efron'. null = NA/NaN/Inf."),
  data = data_json,
  km = km,
  rmst_difference = rmst_diff,
  logrank = logrank,
  cox = cox
)
writeLines(to_json(golden), out_file)
cat("wrote", out_file, "\n")
