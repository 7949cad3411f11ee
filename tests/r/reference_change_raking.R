# Reference numbers for change between rounds from the stacked design (anchoring.analysis.change
# stack_rounds / estimate_panel_change / estimate_change) and for a raked round (anchoring.weights
# prepare_raking, SurveyDesign.rake), computed with R's survey package (Lumley).
#
# Regenerate from the repository root with:
#
#     .venv/bin/python tests/r/make_change_raking_data.py   # tests/data/change_raking_*.csv
#     Rscript tests/r/reference_change_raking.R              # tests/results/change_raking_reference.csv
#
# Needs R with the survey package and MASS (Debian: r-cran-survey r-cran-mass). The input is two
# simulated and cleaned rounds that share organisations (the demo pair, whole strata kept) and
# the municipality frame of the kept counties with an illustrative size class. Written from
# methodology §§1, 3 and 5 alone, independently of the Python package:
#
# - scoring (§3): items 1-5 kept, 8 and 9 missing, ressurser reversed as 6 - x; index =
#   25 * (mean of answered items - 1) when at least half of the measure's items are answered.
# - change (§5): both rounds' rows in one design, the organisation the common PSU (a GP, whose
#   respondent key is a row number of the round's export, is a PSU of its round only), strata as
#   in the rounds, design weights, no fpc and no second stage; a group's change is
#   svycontrast(svyby(~index, ~round, <the group's subset>, svymean, covmat = TRUE), c(-1, 1))
#   (the subset also drops the rows without an index: svyby's covmat = TRUE fails with
#   na.rm = TRUE in survey 4.x, and a domain mean is the same either way),
#   the sector's the contrast of the equal-weight means of the three groups (+-1/3), both with
#   R's normal p-value and Holm over the groups x measures family.
# - raking (§1): the current round's two-stage design raked with calfun = "raking" to the
#   frame's counts of municipalities by county and by size class, every group keeping its
#   total (municipalities: the frame's count; trusts and GPs: their design weights' sum).
#
# The results file has one row per number: case, domain, quantity, value (format(digits = 17))
# and call, the exact R expression whose value it is. Rows with case "meta" give the versions.
# CI never runs this script; tests/test_change_raking_reference.py only reads the stored numbers.

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

data_file <- file.path("tests", "data", "change_raking_responses.csv")
frame_file <- file.path("tests", "data", "change_raking_frame.csv")
results_file <- file.path("tests", "results", "change_raking_reference.csv")
if (!file.exists(data_file)) stop("run from the repository root after make_change_raking_data.py")

previous_round <- "demo-previous"
current_round <- "demo"
measures <- c("pll", "dho")
dimensions <- c("kjennskap", "prioritet", "nytte", "ledelse", "ressurser", "medvirkning",
                "beredskap")
reverse_keyed <- c("ressurser")
groups <- c("gp", "hospital", "municipality")

d <- read.csv(data_file, colClasses = c(round = "character", respondent_key = "character",
                                        group = "character", org_id = "character",
                                        stratum = "character"))
frame <- read.csv(frame_file, colClasses = "character")

# --- scoring (methodology §3) ----------------------------------------------------------------
for (m in measures) {
  scores <- matrix(NA_real_, nrow(d), length(dimensions))
  for (k in seq_along(dimensions)) {
    raw <- d[[paste0(m, "__", dimensions[k])]]
    s <- ifelse(raw %in% 1:5, raw, NA)
    if (dimensions[k] %in% reverse_keyed) s <- 6 - s
    scores[, k] <- s
  }
  answered <- rowSums(!is.na(scores))
  d[[paste0("index_", m)]] <- ifelse(2 * answered >= length(dimensions),
                                     25 * (rowMeans(scores, na.rm = TRUE) - 1), NA)
}

source(file.path("tests", "r", "record.R"))

# --- change from the stacked design (methodology §5) -----------------------------------------
stacked <- d
stacked$round <- factor(stacked$round, levels = c(previous_round, current_round))
stacked$panel_psu <- ifelse(stacked$group == "gp",
                            paste0(stacked$round, "/", stacked$org_id), stacked$org_id)
stacked_des <- svydesign(ids = ~panel_psu, strata = ~stratum, weights = ~weight, nest = TRUE,
                         data = stacked)

p_groups <- c()
for (m in measures) {
  case <- sprintf("change:%s:index", m)
  for (g in groups) {
    by_round <- sprintf(paste0("svyby(~index_%s, ~round, subset(stacked_des, group == \"%s\" & ",
                               "!is.na(index_%s)), svymean, covmat = TRUE)"), m, g, m)
    contrast <- sprintf("svycontrast(%s, c(-1, 1))", by_round)
    p_call <- sprintf("2 * pnorm(-abs(coef(%s) / SE(%s)))", contrast, contrast)
    record(case, g, "change", coef(run(contrast)), sprintf("coef(%s)", contrast))
    record(case, g, "se", SE(run(contrast)), sprintf("SE(%s)", contrast))
    record(case, g, "p_value", run(p_call), p_call)
    p_groups[[sprintf("%s:%s", m, g)]] <- run(p_call)
  }
  # the sector: svyby's rows are round within group (previous, current for gp, then hospital, ...)
  by_both <- sprintf(paste0("svyby(~index_%s, ~round + group, subset(stacked_des, ",
                            "!is.na(index_%s)), svymean, covmat = TRUE)"), m, m)
  domains <- run(by_both)
  sector_weights <- ifelse(domains$round == current_round, 1 / 3, -1 / 3)
  contrast <- sprintf("svycontrast(%s, c(%s))", by_both,
                      paste(vapply(sector_weights, format, "", digits = 17), collapse = ", "))
  p_call <- sprintf("2 * pnorm(-abs(coef(%s) / SE(%s)))", contrast, contrast)
  record(case, "sector", "change", coef(run(contrast)), sprintf("coef(%s)", contrast))
  record(case, "sector", "se", SE(run(contrast)), sprintf("SE(%s)", contrast))
  record(case, "sector", "p_value", run(p_call), p_call)
}
# Holm over the family of the groups (not the sector) x measures.
holm <- sprintf("p.adjust(c(%s), method = \"holm\")",
                paste(vapply(p_groups, format, "", digits = 17), collapse = ", "))
adjusted <- run(holm)
for (k in seq_along(p_groups)) {
  key <- strsplit(names(p_groups)[k], ":")[[1]]
  record(sprintf("change:%s:index", key[1]), key[2], "p_value_holm", adjusted[k],
         sprintf("%s[%d]", holm, k))
}

# --- a raked round (methodology §1) ----------------------------------------------------------
# The current round's design (anchoring.analysis.round_design, two_stage): organisations in strata
# with the fpc, respondents inside them with replacement (fpc Inf).
current <- d[d$round == current_round, ]
current$possible_respondents <- Inf
des <- svydesign(ids = ~org_id + respondent_key, strata = ~stratum,
                 fpc = ~fpc + possible_respondents, weights = ~weight, nest = TRUE,
                 data = current)

# Calibration variables: the group (a factor), and 0/1 indicators of the municipalities of
# each county and size class but the first (sorted); totals from the frame, each organisation
# counted once, trusts and GPs at their design weights' sum.
is_municipality <- current$group == "municipality"
county_of <- setNames(frame$fylkesnummer, frame$kommunenummer)[current$org_id]
size_of <- setNames(frame$size_class, frame$kommunenummer)[current$org_id]
population <- c(`(Intercept)` = nrow(frame) + sum(weights(des)[!is_municipality]),
                grouphospital = sum(weights(des)[current$group == "hospital"]),
                groupmunicipality = nrow(frame))
margin_terms <- c()
for (margin in list(list(name = "county", of = county_of, frame = frame$fylkesnummer),
                    list(name = "size", of = size_of, frame = frame$size_class))) {
  for (level in sort(unique(margin$frame))[-1]) {
    variable <- paste0(margin$name, "_", level)
    current[[variable]] <- as.numeric(is_municipality & margin$of == level)
    population[[variable]] <- sum(margin$frame == level)
    margin_terms <- c(margin_terms, variable)
  }
}
des <- svydesign(ids = ~org_id + respondent_key, strata = ~stratum,
                 fpc = ~fpc + possible_respondents, weights = ~weight, nest = TRUE,
                 data = current)
raking_formula <- as.formula(paste("~group +", paste(margin_terms, collapse = " + ")))
raked_des <- calibrate(des, raking_formula, population = population, calfun = "raking")
calibration <- sprintf("calibrate(des, %s, population = c(%s), calfun = \"raking\")",
                       deparse(raking_formula),
                       paste(sprintf("`%s` = %s", names(population),
                                     vapply(population, format, "", digits = 17)),
                             collapse = ", "))
record("raking:population", names(population), "total", population,
       sprintf("population[\"%s\"] (raked_des <- %s)", names(population), calibration))

for (m in measures) {
  case <- sprintf("raked:%s:index", m)
  call <- sprintf("svyby(~index_%s, ~group, raked_des, svymean, na.rm = TRUE)", m)
  result <- run(call)
  record(case, as.character(result$group), "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, as.character(result$group), "se", SE(result), sprintf("SE(%s)", call))
  # the published t interval and design effect of each group's mean on the raked design. The
  # degrees of freedom are the domain's, counted on the design before calibration: a subset of
  # a calibrated design keeps every row (zero weights outside the domain), so R's degf of it
  # would be the whole design's (docs/decisions.md).
  for (g in groups) {
    dom <- sprintf("group == \"%s\"", g)
    mean_call <- sprintf("svymean(~index_%s, subset(raked_des, %s), na.rm = TRUE)", m, dom)
    ci_call <- sprintf("confint(%s, df = degf(subset(des, %s)))", mean_call, dom)
    limits <- run(ci_call)
    record(case, g, "ci_low", limits[1, 1], sprintf("%s[1, 1]", ci_call))
    record(case, g, "ci_high", limits[1, 2], sprintf("%s[1, 2]", ci_call))
    record(case, g, "df", run(sprintf("degf(subset(des, %s))", dom)),
           sprintf("degf(subset(des, %s))", dom))
    deff_call <- sprintf("deff(svymean(~index_%s, subset(raked_des, %s), na.rm = TRUE, deff = \"replace\"))",
                         m, dom)
    record(case, g, "deff", run(deff_call), deff_call)
  }
  # the design weights' estimates, to show that raking moved them
  call <- sprintf("svyby(~index_%s, ~group, des, svymean, na.rm = TRUE)", m)
  result <- run(call)
  record(sprintf("design:%s:index", m), as.character(result$group), "estimate", coef(result),
         sprintf("coef(%s)", call))
}

count <- write_results(results_file)
cat(sprintf("wrote %d numbers to %s\n", count, results_file))
