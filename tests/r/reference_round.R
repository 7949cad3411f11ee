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
# (group or stratum; for a pairwise group contrast "<group> - <group>"), quantity (estimate, se,
# ci_low, ci_high, deff; for the group tests f, df, ddf, p_value, p_value_holm), value
# (format(digits = 17)) and call, the exact R expression whose value it is. Rows with case
# "meta" give the versions.
#
# Published intervals (methodology §2, issue 15): a group's or stratum's mean is
# confint(svymean(~y, subset(des, dom), na.rm = TRUE), df = degf(subset(des, dom))) (t on the
# domain's design df); a share is svyciprop(method = "beta") (Korn-Graubard). The sector and the
# gap are contrasts with R's normal interval. Cases "groups_equal" and "pair" are the group test
# of methodology §5: regTermTest(svyglm(index ~ group, des), ~group, method = "Wald") and the
# pairwise svycontrast of the same model, Holm-adjusted with p.adjust(method = "holm").
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

# The round's default design (anchoring.analysis.round_design, estimation.variance: two_stage):
# organisations in strata with the finite population correction, then the respondents inside
# each organisation as secondary units sampled with replacement (R needs an fpc for every stage
# once one is given: Inf is "with replacement").
d$possible_respondents <- Inf
des <- svydesign(ids = ~org_id + respondent_key, strata = ~stratum,
                 fpc = ~fpc + possible_respondents, weights = ~weight, nest = TRUE, data = d)

source(file.path("tests", "r", "record.R"))

# A domain mean (svyby) and, per domain, the t interval on the domain's design degrees of freedom
# and the design effect (svymean on the domain's subset: svyby(..., deff = "replace") by stratum
# fails in survey 4.1.1 where a stratum has one respondent). Limits and design effects that R
# leaves undefined (df = 0, one respondent) are not recorded.
record_svyby_mean <- function(case, variable, by_column) {
  call <- sprintf("svyby(~%s, ~%s, des, svymean, na.rm = TRUE)", variable, by_column)
  result <- run(call)
  domain <- as.character(result[[by_column]])
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  for (dom in domain) {
    sub <- sprintf("subset(des, %s == \"%s\")", by_column, dom)
    mean_call <- sprintf("svymean(~%s, %s, na.rm = TRUE, deff = \"replace\")", variable, sub)
    conf <- sprintf("confint(%s, df = degf(%s))", mean_call, sub)
    limits <- tryCatch(suppressWarnings(run(conf)), error = function(e) NA)
    if (all(is.finite(limits))) {
      record(case, dom, "ci_low", limits[1], paste0(conf, "[1]"))
      record(case, dom, "ci_high", limits[2], paste0(conf, "[2]"))
    }
    # (svymean fails on a domain whose every row lacks the variable)
    design_effect <- tryCatch(deff(run(mean_call)), error = function(e) NA)
    if (is.finite(design_effect)) {
      record(case, dom, "deff", design_effect, sprintf("deff(%s)", mean_call))
    }
  }
}

# A share by group: the Korn-Graubard interval (svyciprop(method = "beta")) and the design
# effect of the mean of the 0/1 variable. Where the share is 0 or 1, R's limits are NaN (its
# effective sample size is 0/0; docs/decisions.md): those limits are not recorded.
record_svyby_beta <- function(case, variable) {
  call <- sprintf(paste0("svyby(~%s, ~group, des, svyciprop, vartype = c(\"se\", \"ci\"), ",
                         "method = \"beta\", na.rm = TRUE)"), variable)
  result <- run(call)
  domain <- as.character(result$group)
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  finite <- is.finite(result$ci_l) & is.finite(result$ci_u)
  record(case, domain[finite], "ci_low", result$ci_l[finite], sprintf("(%s)$ci_l", call))
  record(case, domain[finite], "ci_high", result$ci_u[finite], sprintf("(%s)$ci_u", call))
  call <- sprintf("svyby(~%s, ~group, des, svymean, na.rm = TRUE, deff = \"replace\")", variable)
  column <- paste0("DEff.", variable)
  record(case, domain, "deff", run(call)[[column]], sprintf("(%s)$%s", call, column))
}

# The group test of one measure: the Wald test of equal group means and the three pairwise
# contrasts of svyglm(index ~ group, des); coefficients (Intercept), grouphospital,
# groupmunicipality (gp is the reference level).
pairs <- list("municipality - hospital" = c(0, -1, 1), "municipality - gp" = c(0, 0, 1),
              "hospital - gp" = c(0, 1, 0))
wald_p <- c()
record_group_test <- function(m) {
  model <- sprintf("svyglm(index_%s ~ group, des)", m)
  test <- sprintf("regTermTest(%s, ~group, method = \"Wald\")", model)
  case <- sprintf("groups_equal:%s:index", m)
  record(case, "", "f", run(test)$Ftest, sprintf("(%s)$Ftest", test))
  record(case, "", "df", run(test)$df, sprintf("(%s)$df", test))
  record(case, "", "ddf", run(test)$ddf, sprintf("(%s)$ddf", test))
  record(case, "", "p_value", run(test)$p, sprintf("(%s)$p", test))
  wald_p[[m]] <<- run(test)$p
  case <- sprintf("pair:%s:index", m)
  ddf <- sprintf("%s$df.residual", model)
  p_pairs <- c()
  for (name in names(pairs)) {
    contrast <- sprintf("svycontrast(%s, c(%s))", model, paste(pairs[[name]], collapse = ", "))
    conf <- sprintf("confint(%s, df = %s)", contrast, ddf)
    p_call <- sprintf("2 * pt(-abs(coef(%s) / SE(%s)), df = %s)", contrast, contrast, ddf)
    record(case, name, "estimate", coef(run(contrast)), sprintf("coef(%s)", contrast))
    record(case, name, "se", SE(run(contrast)), sprintf("SE(%s)", contrast))
    record(case, name, "ci_low", run(conf)[1], paste0(conf, "[1]"))
    record(case, name, "ci_high", run(conf)[2], paste0(conf, "[2]"))
    record(case, name, "p_value", run(p_call), p_call)
    p_pairs[[name]] <- run(p_call)
  }
  holm <- sprintf("p.adjust(c(%s), method = \"holm\")",
                  paste(vapply(p_pairs, format, "", digits = 17), collapse = ", "))
  record(case, names(pairs), "p_value_holm", run(holm), holm)
}

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
  record_svyby_mean(sprintf("mean:%s:index", m), index, "group")
  record_group_test(m)
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
  record_svyby_mean(sprintf("mean:%s:index", m), index, "stratum")
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
      record_svyby_beta(sprintf("%s:%s:%s", statistic, m, dim), variable)
      record_contrast(
        sprintf("%s:%s:%s", statistic, m, dim), "sector",
        sprintf("svycontrast(svyby(~%s, ~group, subset(des, !is.na(%s)), svymean, covmat = TRUE), rep(1/3, 3))",
                variable, variable)
      )
    }
    record_svyby_mean(sprintf("mean:%s:%s", m, dim), paste0("score_", item), "group")
  }
}

# Holm over the measures' tests of equal groups.
holm <- sprintf("p.adjust(c(%s), method = \"holm\")",
                paste(vapply(wald_p, format, "", digits = 17), collapse = ", "))
record("groups_equal::index", names(wald_p), "p_value_holm", run(holm), holm)

# Weighting efficiency (Kish), a plain formula on the weights.
for (g in groups) {
  call <- sprintf("with(d[d$group == \"%s\", ], sum(weight)^2 / (length(weight) * sum(weight^2)))", g)
  record("weighting_efficiency::", g, "estimate", run(call), call)
}

n_numbers <- write_results(results_file)
cat(sprintf("wrote %d numbers to %s\n", n_numbers, results_file))
