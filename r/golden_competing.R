# Golden values for mmdecide.engine.competing (Aalen-Johansen cumulative incidence).
# Run from the repository root:  Rscript r/golden_competing.R
# Writes tests/golden/competing.json (data + R's numbers at full precision, 17 significant digits).
#
# Two oracles, because they differ in the variance:
#  - survival::survfit(Surv(time, factor(status)) ~ 1): multi-state Aalen-Johansen; pstate and its
#    std.err (infinitesimal-jackknife variance, survival >= 3.0) and log CI (R's default conf.type).
#  - cmprsk::cuminc: the same point estimates, but Gray's (1988) variance estimator. Only its
#    estimates are compared in the tests; its variance is stored for the record.
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})

script_name <- "r/golden_competing.R"
out_file <- "tests/golden/competing.json"

source("r/json_writer.R")  # to_json(): %.17g numbers, NA/NaN/Inf -> null

# ---- data: mgus2, progression (1) competing with death before progression (2); months -------
etime <- with(mgus2, ifelse(pstat == 0, futime, ptime))
event <- with(mgus2, ifelse(pstat == 0, 2 * death, 1))
# A tiny set with ties across causes and censorings at event times.
tiny <- data.frame(time = c(1, 1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 6),
                   status = c(1, 2, 0, 1, 1, 2, 0, 0, 1, 0, 2, 1))
datasets <- list(
  mgus2 = data.frame(time = etime, status = event),
  mgus2_male = data.frame(time = etime[mgus2$sex == "M"], status = event[mgus2$sex == "M"]),
  tiny = tiny
)

aj_block <- function(d) {
  st <- factor(d$status, 0:2, labels = c("censor", "cause1", "cause2"))
  fit <- survfit(Surv(d$time, st) ~ 1)
  ci <- cuminc(d$time, d$status, cencode = 0)
  causes <- lapply(1:2, function(k) {
    col <- k + 1  # column 1 is the initial state (s0)
    cc <- ci[[paste("1", k)]]
    list(cause = k, cif = I(fit$pstate[, col]), std_err = I(fit$std.err[, col]),
         lower = I(fit$lower[, col]), upper = I(fit$upper[, col]),
         cmprsk_time = I(cc$time), cmprsk_est = I(cc$est), cmprsk_var = I(cc$var))
  })
  list(time = I(fit$time), n_risk = I(fit$n.risk[, 1]), conf_type = fit$conf.type,
       state0 = I(fit$pstate[, 1]), causes = causes)
}

golden <- list(
  generated_by = list(script = script_name, R = R.version.string,
                      survival = as.character(packageVersion("survival")),
                      cmprsk = as.character(packageVersion("cmprsk"))),
  notes = paste("mgus2: time = ptime if progression else futime; status 1 = progression,",
                "2 = death without progression, 0 = censored. cif/std_err/lower/upper from",
                "survfit multi-state AJ (log CI, 95%); cmprsk_* from cuminc (Gray variance).",
                "null = NA."),
  data = lapply(datasets, function(d) list(time = I(d$time), status = I(d$status))),
  aalen_johansen = lapply(datasets, aj_block)
)
writeLines(to_json(golden), out_file)
cat("wrote", out_file, "\n")
