# Reference numbers for anchoring.survey.SurveyDesign, computed with R's survey package (Lumley).
#
# Regenerate from the repository root with:
#
#     Rscript tests/r/reference_survey.R
#
# Needs R with the survey package and MASS, which survey's calibrate() loads (Debian:
# apt-get install -y --no-install-recommends r-base-core r-cran-survey r-cran-mass). It writes
#
#     tests/data/apistrat.csv      the columns of survey's data(api) apistrat used here
#     tests/data/apiclus1.csv      the same for apiclus1
#     tests/data/design_cases.csv  a small synthetic round (set.seed) with every design feature
#     tests/results/survey_reference.csv
#
# The results file has one row per number: case, domain, quantity, value (format(digits = 17))
# and call, the exact R expression whose value it is. Rows with case "meta" give the R and
# survey versions. Every estimate is computed from the CSV files as read back, so Python and R
# see exactly the same bytes. CI never runs this script; it only reads the stored numbers.

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

data_dir <- file.path("tests", "data")
results_file <- file.path("tests", "results", "survey_reference.csv")
if (!dir.exists(data_dir)) stop("run from the repository root: Rscript tests/r/reference_survey.R")

source(file.path("tests", "r", "record.R"))

# A svystat (svymean / svytotal of one variable): estimate, se, normal CI.
record_svystat <- function(case, call, level = 0.95) {
  conf <- sprintf("confint(%s, level = %s)", call, level)
  record(case, "", "estimate", run(sprintf("coef(%s)", call)), sprintf("coef(%s)", call))
  record(case, "", "se", run(sprintf("SE(%s)", call)), sprintf("SE(%s)", call))
  record(case, "", "ci_low", run(conf)[, 1], paste0(conf, "[, 1]"))
  record(case, "", "ci_high", run(conf)[, 2], paste0(conf, "[, 2]"))
}

# A svyby of svymean / svytotal: one row per domain, domain label = by values joined by "|".
record_svyby <- function(case, call, by_columns, level = 0.95) {
  result <- run(call)
  domain <- do.call(paste, c(lapply(by_columns, function(b) as.character(result[[b]])), sep = "|"))
  conf <- sprintf("confint(%s, level = %s)", call, level)
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  record(case, domain, "ci_low", run(conf)[, 1], paste0(conf, "[, 1]"))
  record(case, domain, "ci_high", run(conf)[, 2], paste0(conf, "[, 2]"))
}

# A svyciprop (logit): estimate, se, logit CI with t on degf of the design it was given.
record_ciprop <- function(case, call) {
  result <- run(call)
  record(case, "", "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, "", "se", SE(result), sprintf("SE(%s)", call))
  record(case, "", "ci_low", attr(result, "ci")[1], sprintf("attr(%s, \"ci\")[1]", call))
  record(case, "", "ci_high", attr(result, "ci")[2], sprintf("attr(%s, \"ci\")[2]", call))
}

record_scalar <- function(case, domain, quantity, call) {
  record(case, domain, quantity, run(call), call)
}

# A covariance matrix, flattened: domain "row|col" and quantity "cov".
record_matrix <- function(case, call) {
  m <- run(call)
  names <- outer(rownames(m), colnames(m), paste, sep = "|")
  record(case, as.vector(names), "cov", as.vector(m), call)
}

# ---------------------------------------------------------------------------------------------
# The classic examples: data(api) from the survey package.
data(api)
apistrat_out <- data.frame(
  snum = apistrat$snum, stype = as.character(apistrat$stype), dnum = apistrat$dnum,
  pw = apistrat$pw, fpc = apistrat$fpc, api00 = apistrat$api00, api99 = apistrat$api99,
  enroll = apistrat$enroll, sch_wide = as.character(apistrat$sch.wide),
  awards = as.character(apistrat$awards),
  sch_wide_yes = as.numeric(apistrat$sch.wide == "Yes")
)
apiclus1_out <- data.frame(
  snum = apiclus1$snum, stype = as.character(apiclus1$stype), dnum = apiclus1$dnum,
  pw = apiclus1$pw, fpc = apiclus1$fpc, api00 = apiclus1$api00, api99 = apiclus1$api99,
  enroll = apiclus1$enroll, sch_wide = as.character(apiclus1$sch.wide),
  awards = as.character(apiclus1$awards),
  sch_wide_yes = as.numeric(apiclus1$sch.wide == "Yes")
)
apiclus2_out <- data.frame(
  snum = apiclus2$snum, stype = as.character(apiclus2$stype), dnum = apiclus2$dnum,
  pw = apiclus2$pw, fpc1 = apiclus2$fpc1, fpc2 = apiclus2$fpc2, api00 = apiclus2$api00,
  enroll = apiclus2$enroll, sch_wide_yes = as.numeric(apiclus2$sch.wide == "Yes")
)
write.csv(apistrat_out, file.path(data_dir, "apistrat.csv"), row.names = FALSE)
write.csv(apiclus1_out, file.path(data_dir, "apiclus1.csv"), row.names = FALSE)
write.csv(apiclus2_out, file.path(data_dir, "apiclus2.csv"), row.names = FALSE, na = "")
strat <- read.csv(file.path(data_dir, "apistrat.csv"))
clus1 <- read.csv(file.path(data_dir, "apiclus1.csv"))
clus2 <- read.csv(file.path(data_dir, "apiclus2.csv"))

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)

# The published example (survey's ?svydesign): 662.29, SE 9.4089.
record_svystat("apistrat_mean_api00", "svymean(~api00, dstrat)")
record_svystat("apistrat_total_enroll", "svytotal(~enroll, dstrat)")
record_svyby("apistrat_mean_api00_by_stype", "svyby(~api00, ~stype, dstrat, svymean)", "stype")
record_scalar("apistrat_degf", "", "df", "degf(dstrat)")
# svyciprop's estimate comes from an iteratively fitted logistic regression and differs from
# the exact weighted mean below by ~5e-10 relative (glm.fit's convergence tolerance).
record_svystat("apistrat_mean_sch_wide_yes", "svymean(~sch_wide_yes, dstrat)")
record_ciprop("apistrat_prop_sch_wide_yes",
              "svyciprop(~sch_wide_yes, dstrat, method = \"logit\")")
record_svyby_ciprop(
  "apistrat_prop_sch_wide_yes_by_stype",
  "svyby(~sch_wide_yes, ~stype, dstrat, svyciprop, vartype = c(\"se\", \"ci\"), method = \"logit\")",
  "stype"
)
record_scalar("apistrat_alpha", "", "alpha", "svycralpha(~api99 + api00, dstrat)")

record_svystat("apiclus1_mean_api00", "svymean(~api00, dclus1)")
record_svystat("apiclus1_total_enroll", "svytotal(~enroll, dclus1)")
record_svyby("apiclus1_mean_api00_by_stype", "svyby(~api00, ~stype, dclus1, svymean)", "stype")
record_svyby("apiclus1_total_enroll_by_stype", "svyby(~enroll, ~stype, dclus1, svytotal)", "stype")
record_scalar("apiclus1_degf", "", "df", "degf(dclus1)")
for (s in c("E", "H", "M")) {
  record_scalar("apiclus1_degf_by_stype", s, "df", sprintf("degf(subset(dclus1, stype == \"%s\"))", s))
}
record_ciprop("apiclus1_prop_sch_wide_yes",
              "svyciprop(~sch_wide_yes, dclus1, method = \"logit\")")
record_svyby_ciprop(
  "apiclus1_prop_sch_wide_yes_by_stype",
  "svyby(~sch_wide_yes, ~stype, dclus1, svyciprop, vartype = c(\"se\", \"ci\"), method = \"logit\")",
  "stype"
)
# Domains sharing PSUs: svyby's covmat is block diagonal for linearisation designs in this
# survey version, so the full covariance of the domain means comes from svyglm(y ~ 0 + g),
# whose coefficients are the domain means and whose sandwich variance is their linearised
# covariance (its diagonal equals svyby's SE^2; checked by the tests).
record_matrix("apiclus1_cov_api00_by_stype", "vcov(svyglm(api00 ~ 0 + stype, dclus1))")

# Two-stage cluster sample with an fpc at both stages (districts, then schools in a district).
# The published example (survey's ?svydesign): svymean(~api00, dclus2) = 670.81, SE 30.099;
# the weights given are apiclus2$pw, which equal those R derives from the fpcs (to 6e-14).
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = clus2)
record_svystat("apiclus2_mean_api00", "svymean(~api00, dclus2)")
record_svystat("apiclus2_total_enroll", "svytotal(~enroll, dclus2, na.rm = TRUE)")
record_svyby("apiclus2_mean_api00_by_stype", "svyby(~api00, ~stype, dclus2, svymean)", "stype")
record_svyby_ciprop(
  "apiclus2_prop_sch_wide_yes_by_stype",
  "svyby(~sch_wide_yes, ~stype, dclus2, svyciprop, vartype = c(\"se\", \"ci\"), method = \"logit\")",
  "stype"
)
record_scalar("apiclus2_degf", "", "df", "degf(dclus2)")

# ---------------------------------------------------------------------------------------------
# A synthetic round with every design feature the project meets.
set.seed(20240611)
frame <- data.frame(
  group = c(rep("municipality", 4), rep("hospital", 3), rep("gp", 4)),
  stratum = c("municipality:11", "municipality:15", "municipality:18", "municipality:03",
              "hospital:HV", "hospital:HSO", "hospital:HMN",
              "gp:11", "gp:15", "gp:03", "gp:20"),
  N = c(10, 8, 5, 3, 6, 5, 2, 200, 150, 80, 40),
  n = c(4, 3, 1, 3, 4, 2, 2, 15, 10, 8, 1),
  stringsAsFactors = FALSE
)
# municipality:18 and gp:20 have one responding PSU (lonely); municipality:03 and hospital:HMN
# are censuses (every PSU responded).
parts <- list()
gp_counter <- 0
for (h in seq_len(nrow(frame))) {
  for (j in seq_len(frame$n[h])) {
    if (frame$group[h] == "gp") {
      gp_counter <- gp_counter + 1
      psu <- sprintf("gp%03d", gp_counter)
      m <- 1
    } else if (frame$group[h] == "municipality") {
      psu <- sprintf("k%d", j)  # the same label in several strata: nested PSUs (nest = TRUE)
      m <- 1 + rpois(1, 3)
    } else {
      psu <- sprintf("%s-%d", sub("hospital:", "", frame$stratum[h]), j)
      m <- 2 + rpois(1, 4)
    }
    parts[[length(parts) + 1]] <- data.frame(
      group = frame$group[h], stratum = frame$stratum[h], psu = psu, fpc = frame$N[h],
      weight = (frame$N[h] / frame$n[h]) / m, m = m, stringsAsFactors = FALSE
    )[rep(1, m), ]
  }
}
d <- do.call(rbind, parts)
rownames(d) <- NULL
n_rows <- nrow(d)
group_shift <- c(municipality = 55, hospital = 62, gp = 48)[d$group]
psu_effect <- rnorm(length(unique(paste(d$stratum, d$psu))), 0, 6)[
  match(paste(d$stratum, d$psu), unique(paste(d$stratum, d$psu)))]
d$role <- sample(c("leader", "staff"), n_rows, replace = TRUE, prob = c(0.35, 0.65))
d$index <- round(pmin(100, pmax(0, group_shift + psu_effect + rnorm(n_rows, 0, 15))), 2)
d$index[sample(n_rows, round(0.12 * n_rows))] <- NA
d$agree <- rbinom(n_rows, 1, plogis((ifelse(is.na(d$index), 50, d$index) - 50) / 12))
d$agree[sample(n_rows, round(0.1 * n_rows))] <- NA
d$rare <- rbinom(n_rows, 1, ifelse(d$group == "gp", 0.0, 0.3))
d$rare[d$group == "gp"][c(3, 17)] <- 1   # two positive answers among the GPs: small p
d$rare[sample(n_rows, 6)] <- NA
d$never <- ifelse(d$group == "hospital", 0, rbinom(n_rows, 1, 0.4))  # p = 0 in one domain
d$always <- ifelse(d$group == "gp", 1, rbinom(n_rows, 1, 0.6))        # p = 1 in one domain
latent <- rnorm(n_rows)
item <- function() pmin(5, pmax(1, round(3 + latent + rnorm(n_rows, 0, 0.9))))
d$item_a <- item()
d$item_b <- item()
d$item_c <- item()
d$item_a[sample(n_rows, 5)] <- NA
d$item_b[sample(n_rows, 4)] <- NA
d$item_c[sample(n_rows, 3)] <- NA
# Two-stage columns: the respondent is the secondary unit (ssu) of its organisation; ssu_fpc is
# the number of respondents the organisation could have given: 1 for a GP (the GP is the whole
# PSU), the respondents themselves in hospital:HV (every eligible person answered: a census
# inside the PSU), three more than answered in the other trusts, unknown (Inf) for
# municipalities, some of which have a single respondent (lonely at the second stage).
d$ssu <- sprintf("r%03d", seq_len(n_rows))
d$ssu_fpc <- ifelse(d$group == "gp", 1,
                    ifelse(d$stratum == "hospital:HV", d$m,
                           ifelse(d$group == "hospital", d$m + 3, Inf)))
d$m <- NULL
write.csv(d, file.path(data_dir, "design_cases.csv"), row.names = FALSE, na = "")
cases <- read.csv(file.path(data_dir, "design_cases.csv"), stringsAsFactors = FALSE)

des <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight,
                 nest = TRUE, data = cases)
des_wr <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = cases)

record_scalar("cases_degf", "", "df", "degf(des)")
for (g in c("gp", "hospital", "municipality")) {
  record_scalar("cases_degf_by_group", g, "df", sprintf("degf(subset(des, group == \"%s\"))", g))
  record_scalar("cases_degf_by_group_agree_answered", g, "df",
                sprintf("degf(subset(des, group == \"%s\" & !is.na(agree)))", g))
}
record_svystat("cases_mean_index", "svymean(~index, des, na.rm = TRUE)")
record_svystat("cases_total_index", "svytotal(~index, des, na.rm = TRUE)")
record_svystat("cases_mean_index_wr", "svymean(~index, des_wr, na.rm = TRUE)")
record_svyby("cases_mean_index_by_group",
             "svyby(~index, ~group, des, svymean, na.rm = TRUE)", "group")
record_svyby("cases_mean_index_by_group_level90",
             "svyby(~index, ~group, des, svymean, na.rm = TRUE)", "group", level = 0.9)
record_svyby("cases_mean_index_by_group_wr",
             "svyby(~index, ~group, des_wr, svymean, na.rm = TRUE)", "group")
record_svyby("cases_total_index_by_group",
             "svyby(~index, ~group, des, svytotal, na.rm = TRUE)", "group")
record_svyby("cases_mean_index_by_stratum",
             "svyby(~index, ~stratum, des, svymean, na.rm = TRUE)", "stratum")
record_svyby("cases_mean_index_by_group_role",
             "svyby(~index, ~group + role, des, svymean, na.rm = TRUE)", c("group", "role"))
record_svyby("cases_mean_index_by_role",
             "svyby(~index, ~role, des, svymean, na.rm = TRUE)", "role")
record_matrix("cases_cov_index_by_role", "vcov(svyglm(index ~ 0 + role, des))")
# svyby(..., covmat = TRUE) fails with na.rm = TRUE in survey 4.1.1 (the influence matrix of
# svymean(na.rm = TRUE) has fewer rows than the design). svymean(na.rm = TRUE) itself works on
# design[!is.na(y), ], which keeps every stratum's PSU count, so the same numbers come from
# svyby on subset(des, !is.na(index)) (the tests check the SEs equal the na.rm = TRUE ones).
record_matrix("cases_cov_index_by_group",
              "vcov(svyby(~index, ~group, subset(des, !is.na(index)), svymean, covmat = TRUE))")
record_matrix("cases_cov_index_by_group_role",
              "vcov(svyby(~index, ~group + role, subset(des, !is.na(index)), svymean, covmat = TRUE))")

contrast_call <- paste0("svycontrast(svyby(~index, ~group, subset(des, !is.na(index)), ",
                        "svymean, covmat = TRUE), rep(1/3, 3))")
record("cases_sector_contrast_index", "", "estimate", coef(run(contrast_call)),
       sprintf("coef(%s)", contrast_call))
record("cases_sector_contrast_index", "", "se", SE(run(contrast_call)),
       sprintf("SE(%s)", contrast_call))

record_ciprop("cases_prop_agree", "svyciprop(~agree, des, method = \"logit\", na.rm = TRUE)")
for (v in c("agree", "rare")) {
  record_svyby_ciprop(
    sprintf("cases_prop_%s_by_group", v),
    sprintf(paste0("svyby(~%s, ~group, des, svyciprop, vartype = c(\"se\", \"ci\"), ",
                   "method = \"logit\", na.rm = TRUE)"), v),
    "group"
  )
}
record_svyby_ciprop(
  "cases_prop_agree_by_group_level90",
  paste0("svyby(~agree, ~group, des, svyciprop, vartype = c(\"se\", \"ci\"), ",
         "method = \"logit\", na.rm = TRUE, level = 0.9)"),
  "group"
)
# By stratum: municipality:18 and gp:20 hold one PSU, so their degf is 0 and the logit
# interval is NaN (confint.svyglm with ddf <= 0).
record_svyby_ciprop(
  "cases_prop_agree_by_stratum",
  paste0("svyby(~agree, ~stratum, des, svyciprop, vartype = c(\"se\", \"ci\"), ",
         "method = \"logit\", na.rm = TRUE)"),
  "stratum"
)
record_svyby("cases_mean_agree_by_group",
             "svyby(~agree, ~group, des, svymean, na.rm = TRUE)", "group")
# p = 0 and p = 1 in a domain: svyglm does not converge and R reports values within ~1e-11 of
# 0 (or 1) with SE 0; the tests compare these with an absolute tolerance.
for (v in c("never", "always")) {
  record_svyby_ciprop(
    sprintf("cases_prop_%s_by_group", v),
    sprintf(paste0("suppressWarnings(svyby(~%s, ~group, des, svyciprop, vartype = c(\"se\", ",
                   "\"ci\"), method = \"logit\", na.rm = TRUE))"), v),
    "group"
  )
}

record_scalar("cases_alpha", "", "alpha", "svycralpha(~item_a + item_b + item_c, des, na.rm = TRUE)")
for (g in c("gp", "hospital", "municipality")) {
  record_scalar("cases_alpha_by_group", g, "alpha", sprintf(
    "svycralpha(~item_a + item_b + item_c, subset(des, group == \"%s\"), na.rm = TRUE)", g))
}

for (lonely in c("remove", "certainty")) {
  options(survey.lonely.psu = lonely)
  record_svystat(sprintf("cases_mean_index_lonely_%s", lonely),
                 "svymean(~index, des, na.rm = TRUE)")
  record_svyby(sprintf("cases_mean_index_by_group_lonely_%s", lonely),
               "svyby(~index, ~group, des, svymean, na.rm = TRUE)", "group")
}
options(survey.lonely.psu = "adjust")

# The same round as a two-stage design: organisations, then respondents inside them.
des2 <- svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~fpc + ssu_fpc, weights = ~weight,
                  nest = TRUE, data = cases)
record_scalar("cases2_degf", "", "df", "degf(des2)")
record_svystat("cases2_mean_index", "svymean(~index, des2, na.rm = TRUE)")
record_svystat("cases2_total_index", "svytotal(~index, des2, na.rm = TRUE)")
record_svyby("cases2_mean_index_by_group",
             "svyby(~index, ~group, des2, svymean, na.rm = TRUE)", "group")
record_svyby("cases2_total_index_by_group",
             "svyby(~index, ~group, des2, svytotal, na.rm = TRUE)", "group")
record_svyby("cases2_mean_index_by_group_role",
             "svyby(~index, ~group + role, des2, svymean, na.rm = TRUE)", c("group", "role"))
# by stratum without gp:20, whose only row has no index (R's multistage fails on that empty
# domain); item_a is answered there
record_svyby("cases2_mean_item_a_by_stratum",
             "svyby(~item_a, ~stratum, des2, svymean, na.rm = TRUE)", "stratum")
record_matrix("cases2_cov_index_by_group",
              "vcov(svyby(~index, ~group, subset(des2, !is.na(index)), svymean, covmat = TRUE))")
contrast2 <- paste0("svycontrast(svyby(~index, ~group, subset(des2, !is.na(index)), ",
                    "svymean, covmat = TRUE), rep(1/3, 3))")
record("cases2_sector_contrast_index", "", "estimate", coef(run(contrast2)),
       sprintf("coef(%s)", contrast2))
record("cases2_sector_contrast_index", "", "se", SE(run(contrast2)), sprintf("SE(%s)", contrast2))
record_svyby_ciprop(
  "cases2_prop_agree_by_group",
  paste0("svyby(~agree, ~group, des2, svyciprop, vartype = c(\"se\", \"ci\"), ",
         "method = \"logit\", na.rm = TRUE)"),
  "group"
)
# Secondary units with several rows each: the role (leader, staff) inside the organisation,
# sampled with replacement (Inf: R needs an fpc at every stage once one is given).
cases$with_replacement <- Inf
des2role <- svydesign(ids = ~psu + role, strata = ~stratum, fpc = ~fpc + with_replacement,
                      weights = ~weight, nest = TRUE, data = cases)
record_svystat("cases2role_mean_index", "svymean(~index, des2role, na.rm = TRUE)")
record_svyby("cases2role_mean_index_by_group",
             "svyby(~index, ~group, des2role, svymean, na.rm = TRUE)", "group")
record_svyby("cases2role_mean_item_a_by_stratum",
             "svyby(~item_a, ~stratum, des2role, svymean, na.rm = TRUE)", "stratum")
for (lonely in c("remove", "certainty")) {
  options(survey.lonely.psu = lonely)
  record_svyby(sprintf("cases2_mean_index_by_group_lonely_%s", lonely),
               "svyby(~index, ~group, des2, svymean, na.rm = TRUE)", "group")
}
options(survey.lonely.psu = "adjust")

# ---------------------------------------------------------------------------------------------
# Issue 15: design-based regression, t and Korn-Graubard intervals, design effects, raking.

# A svyglm: per coefficient the estimate, SE, residual df, t interval (confint.svyglm, whose
# ddf defaults to the model's df.residual = degf + 1 - p) and p-value of summary(); then the
# Wald test of each term in test_terms (regTermTest's ddf is model$df.residual).
record_svyglm <- function(case, call, test_terms = character(0)) {
  model <- run(call)
  terms <- names(coef(model))
  record(case, terms, "estimate", coef(model), sprintf("coef(%s)", call))
  record(case, terms, "se", SE(model), sprintf("SE(%s)", call))
  record(case, terms, "df", rep(model$df.residual, length(terms)),
         sprintf("(%s)$df.residual", call))
  ci <- confint(model)
  record(case, terms, "ci_low", ci[, 1], sprintf("confint(%s)[, 1]", call))
  record(case, terms, "ci_high", ci[, 2], sprintf("confint(%s)[, 2]", call))
  record(case, terms, "p_value", summary(model)$coefficients[, 4],
         sprintf("summary(%s)$coefficients[, 4]", call))
  for (term in test_terms) {
    test_call <- sprintf("regTermTest(%s, ~%s, method = \"Wald\")", call, term)
    test <- run(test_call)
    wald <- paste0(case, "_wald")
    record(wald, term, "F", test$Ftest, sprintf("(%s)$Ftest", test_call))
    record(wald, term, "df", test$df, sprintf("(%s)$df", test_call))
    record(wald, term, "ddf", test$ddf, sprintf("(%s)$ddf", test_call))
    record(wald, term, "p", test$p, sprintf("(%s)$p", test_call))
  }
}

# A domain mean with the t interval on the domain's design degrees of freedom.
record_domain_t <- function(case, design, variable, by, levels) {
  for (level in levels) {
    sub <- sprintf("subset(%s, %s == \"%s\")", design, by, level)
    call <- sprintf("svymean(~%s, %s, na.rm = TRUE)", variable, sub)
    conf <- sprintf("confint(%s, df = degf(%s))", call, sub)
    record(case, level, "estimate", coef(run(call)), sprintf("coef(%s)", call))
    record(case, level, "se", SE(run(call)), sprintf("SE(%s)", call))
    record(case, level, "ci_low", run(conf)[, 1], paste0(conf, "[, 1]"))
    record(case, level, "ci_high", run(conf)[, 2], paste0(conf, "[, 2]"))
  }
}

# A design effect (deff = "replace"): estimate, se and deff; svyby or one svystat. deff() of
# a svyby fails when deff = "replace" (survey 4.1.1 tests !deffs), so the svyby's DEff column
# is read by name.
record_deff <- function(case, call, by_column = NULL) {
  result <- run(call)
  domain <- if (is.null(by_column)) "" else as.character(result[[by_column]])
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  if (is.null(by_column)) {
    record(case, domain, "deff", deff(result), sprintf("deff(%s)", call))
  } else {
    column <- grep("^DEff", names(result), value = TRUE)
    record(case, domain, "deff", result[[column]], sprintf("(%s)$%s", call, column))
  }
}

# svyciprop(method = "beta") of the whole design.
record_ciprop("apistrat_prop_beta_sch_wide_yes",
              "svyciprop(~sch_wide_yes, dstrat, method = \"beta\")")
record_ciprop("cases_prop_beta_agree",
              "svyciprop(~agree, des, method = \"beta\", na.rm = TRUE)")
beta_by <- function(v, by, design) {
  sprintf(paste0("svyby(~%s, ~%s, %s, svyciprop, vartype = c(\"se\", \"ci\"), ",
                 "method = \"beta\", na.rm = TRUE)"), v, by, design)
}
record_svyby_ciprop("apiclus1_prop_beta_sch_wide_yes_by_stype",
                    beta_by("sch_wide_yes", "stype", "dclus1"), "stype")
record_svyby_ciprop("apiclus2_prop_beta_sch_wide_yes_by_stype",
                    beta_by("sch_wide_yes", "stype", "dclus2"), "stype")
for (v in c("agree", "rare")) {
  record_svyby_ciprop(sprintf("cases_prop_beta_%s_by_group", v), beta_by(v, "group", "des"),
                      "group")
}
record_svyby_ciprop("cases2_prop_beta_agree_by_group", beta_by("agree", "group", "des2"), "group")
# p = 0 (hospital) and p = 1 (gp): R's n.eff is 0/0 and its limits NaN; SurveyDesign takes the
# domain's answered rows as the effective sample size there (Korn & Graubard 1998), checked in
# the tests against the closed form; the other domains must equal R.
for (v in c("never", "always")) {
  record_svyby_ciprop(sprintf("cases_prop_beta_%s_by_group", v),
                      sprintf("suppressWarnings(%s)", beta_by(v, "group", "des")), "group")
}

# Means with t intervals on the domain's design degrees of freedom.
record_domain_t("apiclus1_mean_t_api00_by_stype", "dclus1", "api00", "stype", c("E", "H", "M"))
record_domain_t("cases_mean_t_index_by_group", "des", "index", "group",
                c("gp", "hospital", "municipality"))
record_domain_t("cases2_mean_t_index_by_group", "des2", "index", "group",
                c("gp", "hospital", "municipality"))
# municipality:18 (lonely: degf 0, so no t quantile) and municipality:03 (census: SE 0)
record_domain_t("cases_mean_t_index_by_stratum", "des", "index", "stratum",
                c("municipality:03", "municipality:11", "municipality:18", "hospital:HV"))

# Design effects against simple random sampling with replacement.
record_deff("apistrat_deff_api00", "svymean(~api00, dstrat, deff = \"replace\")")
record_deff("apiclus1_deff_api00_by_stype",
            "svyby(~api00, ~stype, dclus1, svymean, deff = \"replace\")", "stype")
record_deff("apiclus2_deff_api00", "svymean(~api00, dclus2, deff = \"replace\")")
record_deff("cases_deff_index_by_group",
            "svyby(~index, ~group, des, svymean, deff = \"replace\", na.rm = TRUE)", "group")
record_deff("cases_deff_agree_by_group",
            "svyby(~agree, ~group, des, svymean, deff = \"replace\", na.rm = TRUE)", "group")
record_deff("cases2_deff_index_by_group",
            "svyby(~index, ~group, des2, svymean, deff = \"replace\", na.rm = TRUE)", "group")

# Design-based regression (svyglm; quasibinomial for 0/1 responses) and Wald tests. The
# logistic fits iterate to convergence (glm's default stops when the deviance changes by less
# than 1e-8, which leaves coefficients ~5e-8 and, since svyglm's sandwich uses the working
# weights of the iteration before last, standard errors ~1e-5 from the solution of the
# estimating equations; SurveyDesign.glm solves them to 1e-12).
quasibinomial_call <- function(model) {
  sprintf("svyglm(%s, family = quasibinomial, control = glm.control(epsilon = 1e-12, maxit = 100))",
          model)
}
record_svyglm("apistrat_glm_api00", "svyglm(api00 ~ api99 + stype, dstrat)", "stype")
record_svyglm("apistrat_glm_sch_wide_yes",
              quasibinomial_call("sch_wide_yes ~ api99 + stype, dstrat"),
              "stype")
record_svyglm("apiclus1_glm_api00", "svyglm(api00 ~ enroll + stype, dclus1)", "stype")
record_svyglm("apiclus1_glm_sch_wide_yes",
              quasibinomial_call("sch_wide_yes ~ api99, dclus1"),
              "api99")
# apiclus2: two stages, enroll missing for some schools
record_svyglm("apiclus2_glm_api00", "svyglm(api00 ~ enroll + stype, dclus2)", "stype")
record_svyglm("cases_glm_index_group", "svyglm(index ~ group, des)", "group")
record_svyglm("cases_glm_index_group_role", "svyglm(index ~ group + role, des)",
              c("group", "role"))
record_svyglm("cases_glm_agree",
              quasibinomial_call("agree ~ group + item_a, des"),
              c("group", "item_a"))
record_svyglm("cases2_glm_index_group", "svyglm(index ~ group, des2)", "group")
record_svyglm("cases2_glm_agree",
              quasibinomial_call("agree ~ group + item_a, des2"),
              "group")

# Raking (calibrate with calfun = "raking"), then svymean / svyby on the calibrated design.
rclus1 <- calibrate(dclus1, ~stype + sch_wide,
                    population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                                   sch_wideYes = 5122),
                    calfun = "raking")
record_svystat("apiclus1_raked_mean_api00", "svymean(~api00, rclus1)")
record_svyby("apiclus1_raked_mean_api00_by_stype", "svyby(~api00, ~stype, rclus1, svymean)",
             "stype")
rstrat <- calibrate(dstrat, ~stype + sch_wide,
                    population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                                   sch_wideYes = 5122),
                    calfun = "raking")
record_svystat("apistrat_raked_mean_api00", "svymean(~api00, rstrat)")
record_svyby("apistrat_raked_mean_api00_by_stype", "svyby(~api00, ~stype, rstrat, svymean)",
             "stype")
case_population <- c(`(Intercept)` = 509, grouphospital = 13, groupmunicipality = 26,
                     rolestaff = 320)
rcases <- calibrate(des, ~group + role, population = case_population, calfun = "raking")
rcases2 <- calibrate(des2, ~group + role, population = case_population, calfun = "raking")
record_svystat("cases_raked_mean_index", "svymean(~index, rcases, na.rm = TRUE)")
record_svyby("cases_raked_mean_index_by_group",
             "svyby(~index, ~group, rcases, svymean, na.rm = TRUE)", "group")
record_svyby("cases_raked_mean_index_by_role",
             "svyby(~index, ~role, rcases, svymean, na.rm = TRUE)", "role")
record_svyby("cases_raked_total_index_by_group",
             "svyby(~index, ~group, rcases, svytotal, na.rm = TRUE)", "group")
record_svyglm("cases_raked_glm_index_group", "svyglm(index ~ group, rcases)", "group")
record_svystat("cases2_raked_mean_index", "svymean(~index, rcases2, na.rm = TRUE)")
record_svyby("cases2_raked_mean_index_by_group",
             "svyby(~index, ~group, rcases2, svymean, na.rm = TRUE)", "group")

# ---------------------------------------------------------------------------------------------
# Holm's step-down adjustment (anchoring.analysis.change.holm_adjust): a family with ties, an NA (a test
# not made: left out of the family), adjusted values that reach 1, and an unsorted order.
holm_call <- paste0("p.adjust(c(0.012, 0.04, NA, 0.003, 0.04, 0.2, 0.5, 0.0001, 0.031, 0.9), ",
                    "method = \"holm\")")
holm <- run(holm_call)
record("holm_p_adjust", as.character(seq_along(holm)), "p_value_holm", holm, holm_call)

# ---------------------------------------------------------------------------------------------
n_numbers <- write_results(results_file)
message("wrote ", n_numbers, " reference numbers to ", results_file)
