# Reference numbers for anchoring.analysis.analyse_round, computed with R's survey package (Lumley).
#
# Regenerate from the repository root with:
#
#     .venv/bin/python tests/r/make_round_responses.py   # tests/data/round_responses.csv
#     Rscript tests/r/reference_round.R                    # tests/results/round_reference.csv
#
# Needs R with the survey package (Debian: apt-get install -y --no-install-recommends
# r-base-core r-cran-survey). The input is a small simulated and cleaned round (design columns
# and raw item codes). The scoring of methodology §3 is written out here again, independently of
# the Python package: items 1-5 kept, 8 «Vet ikke» and 9 «Ikke relevant» missing, the
# reverse-keyed dimension (ressurser) reversed as 6 - x; index = 25 * (mean of answered items - 1)
# when at least half of the measure's items are answered; agree = scored item 4 or 5 among
# substantive answers; «Vet ikke» = 8 among all answered (1-5, 8, 9).
#
# The results file has one row per number: case ("<statistic>:<measure>:<dimension>"), domain
# (group or stratum), quantity (estimate, se, ci_low, ci_high), value (format(digits = 17)) and
# call, the exact R expression whose value it is. Rows with case "meta" give the versions.
# CI never runs this script; tests/test_analysis.py only reads the stored numbers.

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

data_file <- file.path("tests", "data", "round_responses.csv")
results_file <- file.path("tests", "results", "round_reference.csv")
if (!file.exists(data_file)) stop("run from the repository root after make_round_responses.py")

measures <- c("pll", "pjd", "kritisk_info", "dho")
dimensions <- c("kjennskap", "prioritet", "nytte", "ledelse", "ressurser", "medvirkning",
                "beredskap")
reverse_keyed <- c("ressurser")
groups <- c("gp", "hospital", "municipality")  # svyby's (sorted) order

d <- read.csv(data_file, colClasses = c(respondent_key = "character", group = "character",
                                        org_id = "character", stratum = "character"))

# --- scoring (methodology §3) ----------------------------------------------------------------
for (m in measures) {
  scores <- matrix(NA_real_, nrow(d), length(dimensions))
  for (k in seq_along(dimensions)) {
    item <- paste0(m, "__", dimensions[k])
    raw <- d[[item]]
    s <- ifelse(raw %in% 1:5, raw, NA)
    if (dimensions[k] %in% reverse_keyed) s <- 6 - s
    scores[, k] <- s
    d[[paste0("score_", item)]] <- s
    d[[paste0("agree_", item)]] <- ifelse(is.na(s), NA, as.numeric(s >= 4))
    d[[paste0("dont_know_", item)]] <- ifelse(is.na(raw), NA, as.numeric(raw == 8))
  }
  answered <- rowSums(!is.na(scores))
  d[[paste0("index_", m)]] <- ifelse(2 * answered >= length(dimensions),
                                     25 * (rowMeans(scores, na.rm = TRUE) - 1), NA)
}

# The round's default design (anchoring.analysis.design, estimation.variance: two_stage):
# organisations in strata with the finite population correction, then the respondents inside
# each organisation as secondary units sampled with replacement (R needs an fpc for every stage
# once one is given: Inf is "with replacement").
d$possible_respondents <- Inf
des <- svydesign(ids = ~org_id + respondent_key, strata = ~stratum,
                 fpc = ~fpc + possible_respondents, weights = ~weight, nest = TRUE, data = d)

source(file.path("tests", "r", "record.R"))

record_svyby_mean <- function(case, call, by_column, cis = TRUE) {
  result <- run(call)
  domain <- as.character(result[[by_column]])
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  if (cis) {
    conf <- sprintf("confint(%s)", call)
    record(case, domain, "ci_low", run(conf)[, 1], paste0(conf, "[, 1]"))
    record(case, domain, "ci_high", run(conf)[, 2], paste0(conf, "[, 2]"))
  }
}

# svyciprop(method = "logit") fits svyglm(y ~ 1, family = quasibinomial) with glm's default
# convergence (epsilon = 1e-8 on the deviance), which leaves its estimate and interval off the
# exact values by up to ~3e-8 relative. The same fit and the same Wald interval on the same df,
# converged to machine precision, are recorded as quantities "<q>_converged".
record_converged_ciprop <- function(case, variable) {
  for (g in groups) {
    if (!any(d[[variable]][d$group == g] %in% 1) || all(d[[variable]][d$group == g] %in% c(1, NA))) {
      next  # p = 0 or 1: the logistic fit has no finite optimum
    }
    fit <- sprintf(paste0("svyglm(%s ~ 1, subset(des, group == \"%s\"), family = quasibinomial, ",
                          "control = glm.control(epsilon = 1e-14, maxit = 100))"), variable, g)
    ci <- sprintf("expit(confint(%s, 1, level = 0.95, method = \"Wald\", ddf = degf(subset(des, group == \"%s\"))))",
                  fit, g)
    record(case, g, "estimate_converged", expit(coef(run(fit))), sprintf("expit(coef(%s))", fit))
    record(case, g, "ci_low_converged", run(ci)[1], paste0(ci, "[1]"))
    record(case, g, "ci_high_converged", run(ci)[2], paste0(ci, "[2]"))
  }
}
expit <- function(x) exp(x) / (1 + exp(x))

record_contrast <- function(case, domain, call) {
  conf <- sprintf("confint(%s)", call)
  record(case, domain, "estimate", coef(run(call)), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(run(call)), sprintf("SE(%s)", call))
  record(case, domain, "ci_low", run(conf)[, 1], paste0(conf, "[, 1]"))
  record(case, domain, "ci_high", run(conf)[, 2], paste0(conf, "[, 2]"))
}

for (m in measures) {
  index <- paste0("index_", m)
  by_group <- sprintf("svyby(~%s, ~group, des, svymean, na.rm = TRUE)", index)
  record_svyby_mean(sprintf("mean:%s:index", m), by_group, "group")
  # svyby(..., covmat = TRUE) fails with na.rm = TRUE when the variable has NAs (survey 4.1.1:
  # "number of items to replace is not a multiple of replacement length"), so the rows with the
  # variable answered are taken with subset(), which in survey keeps the whole design for the
  # variance (domain estimation; it is how svymean's own na.rm works).
  with_cov <- sprintf("svyby(~%s, ~group, subset(des, !is.na(%s)), svymean, covmat = TRUE)",
                      index, index)
  record_contrast(sprintf("mean:%s:index", m), "sector",
                  sprintf("svycontrast(%s, rep(1/3, 3))", with_cov))
  # the gap: highest minus lowest group index
  means <- coef(run(by_group))
  weights <- rep(0, 3)
  weights[which.max(means)] <- 1
  weights[which.min(means)] <- -1
  record_contrast(sprintf("gap:%s:index", m), "sector",
                  sprintf("svycontrast(%s, c(%s))", with_cov, paste(weights, collapse = ", ")))
  record_svyby_mean(sprintf("mean:%s:index", m),
                    sprintf("svyby(~%s, ~stratum, des, svymean, na.rm = TRUE)", index), "stratum")
  scored <- paste(paste0("score_", m, "__", dimensions), collapse = " + ")
  for (g in groups) {
    call <- sprintf("svycralpha(~%s, subset(des, group == \"%s\"), na.rm = TRUE)", scored, g)
    record(sprintf("alpha:%s:index", m), g, "estimate", run(call), call)
  }
  for (dim in dimensions) {
    item <- paste0(m, "__", dim)
    for (kind in c("agree", "dont_know")) {
      statistic <- paste0(kind, "_share")
      variable <- paste0(kind, "_", item)
      record_svyby_ciprop(
        sprintf("%s:%s:%s", statistic, m, dim),
        sprintf("svyby(~%s, ~group, des, svyciprop, vartype = c(\"se\", \"ci\"), method = \"logit\", na.rm = TRUE)", variable)
      )
      record_converged_ciprop(sprintf("%s:%s:%s", statistic, m, dim), variable)
      record_contrast(
        sprintf("%s:%s:%s", statistic, m, dim), "sector",
        sprintf("svycontrast(svyby(~%s, ~group, subset(des, !is.na(%s)), svymean, covmat = TRUE), rep(1/3, 3))",
                variable, variable)
      )
    }
    record_svyby_mean(sprintf("mean:%s:%s", m, dim),
                      sprintf("svyby(~score_%s, ~group, des, svymean, na.rm = TRUE)", item),
                      "group")
  }
}

# Weighting efficiency (Kish), a plain formula on the weights.
for (g in groups) {
  call <- sprintf("with(d[d$group == \"%s\", ], sum(weight)^2 / (length(weight) * sum(weight^2)))", g)
  record("weighting_efficiency::", g, "estimate", run(call), call)
}

n_numbers <- write_results(results_file)
cat(sprintf("wrote %d numbers to %s\n", n_numbers, results_file))
