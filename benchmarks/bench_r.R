# Timings of R's survey package for python -m benchmarks (comparison 1).
#
# Usage: Rscript benchmarks/bench_r.R DATA.csv REPS OUT_PREFIX
#
# DATA.csv has the columns group, stratum, psu, fpc, weight, y_mean, y_prop (the same rows the
# Python contenders get). Each repetition is timed inside R with system.time (elapsed), for
# the design alone (svydesign) and for each estimate on the design built once, so R's start-up
# and the CSV read are not counted. Writes OUT_PREFIX-timings.csv (operation, rep, seconds)
# and OUT_PREFIX-estimates.csv (operation, domain, estimate, se) of the last repetition.

suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: Rscript bench_r.R DATA.csv REPS OUT_PREFIX")
data_file <- args[[1]]
reps <- as.integer(args[[2]])
out_prefix <- args[[3]]

data <- read.csv(
  data_file,
  colClasses = c("character", "character", "character", "numeric", "numeric", "numeric",
                 "numeric"),
  na.strings = ""
)

build <- function() {
  svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, data = data,
            nest = TRUE)
}

timings <- list()
estimates <- list()
add_timing <- function(operation, rep, seconds) {
  timings[[length(timings) + 1]] <<- data.frame(operation = operation, rep = rep,
                                                seconds = seconds)
}

for (rep in seq_len(reps)) {
  add_timing("design", rep, system.time(des <- build())[["elapsed"]])
}

operations <- list(
  mean_by_group = c("y_mean", "group"),
  mean_by_stratum = c("y_mean", "stratum"),
  proportion_by_group = c("y_prop", "group"),
  proportion_by_stratum = c("y_prop", "stratum")
)
for (operation in names(operations)) {
  variable <- operations[[operation]][[1]]
  by <- operations[[operation]][[2]]
  formula_y <- as.formula(paste0("~", variable))
  formula_by <- as.formula(paste0("~", by))
  for (rep in seq_len(reps)) {
    elapsed <- system.time(
      result <- svyby(formula_y, formula_by, des, svymean, na.rm = TRUE)
    )[["elapsed"]]
    add_timing(operation, rep, elapsed)
  }
  estimates[[length(estimates) + 1]] <- data.frame(
    operation = operation, domain = as.character(result[[by]]),
    estimate = as.numeric(coef(result)), se = as.numeric(SE(result))
  )
}

write.csv(do.call(rbind, timings), paste0(out_prefix, "-timings.csv"), row.names = FALSE)
estimates <- do.call(rbind, estimates)
estimates$estimate <- format(estimates$estimate, digits = 17)
estimates$se <- format(estimates$se, digits = 17)
write.csv(estimates, paste0(out_prefix, "-estimates.csv"), row.names = FALSE)
