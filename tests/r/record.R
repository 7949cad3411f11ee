# Helpers shared by the R reference scripts (source()d from the repository root): every number
# is recorded with the exact R call that produced it, and the results file starts with the R and
# survey versions.
#
# Results file columns: case, domain, quantity, value (format(digits = 17)), call.

rows <- list()

record <- function(case, domain, quantity, value, call) {
  value <- as.numeric(value)
  stopifnot(length(value) == length(domain))
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, domain = domain, quantity = quantity,
    value = vapply(value, format, "", digits = 17), call = call,
    stringsAsFactors = FALSE
  )
}

run <- function(text) eval(parse(text = text), envir = globalenv())

# A svyby of svyciprop with vartype = c("se", "ci"): estimate, se and the logit interval.
record_svyby_ciprop <- function(case, call, by_column = "group") {
  result <- run(call)
  domain <- as.character(result[[by_column]])
  record(case, domain, "estimate", coef(result), sprintf("coef(%s)", call))
  record(case, domain, "se", SE(result), sprintf("SE(%s)", call))
  record(case, domain, "ci_low", result$ci_l, sprintf("(%s)$ci_l", call))
  record(case, domain, "ci_high", result$ci_u, sprintf("(%s)$ci_u", call))
}

# Write the versions, then every recorded number; returns the count of numbers.
write_results <- function(results_file) {
  table <- do.call(rbind, rows)
  meta <- data.frame(
    case = "meta", domain = "", quantity = c("r_version", "survey_version"),
    value = c(paste(R.version$major, R.version$minor, sep = "."),
              as.character(packageVersion("survey"))),
    call = c("paste(R.version$major, R.version$minor, sep = \".\")",
             "as.character(packageVersion(\"survey\"))"),
    stringsAsFactors = FALSE
  )
  write.csv(rbind(meta, table), results_file, row.names = FALSE)
  nrow(table)
}
