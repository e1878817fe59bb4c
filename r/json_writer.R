# Minimal JSON writer shared by the golden scripts (jsonlite is not installed here).
# Numbers at full precision (%.17g); NA/NaN/Inf -> null; I() forces an array.
num_json <- function(x) {
  ifelse(is.finite(x), sprintf("%.17g", x), "null")
}
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x)) {
    nm <- names(x)
    if (is.null(nm)) {
      items <- vapply(x, to_json, "", indent = inner)
      return(paste0("[\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "]"))
    }
    items <- vapply(seq_along(x), function(i) {
      paste0("\"", nm[i], "\": ", to_json(x[[i]], inner))
    }, "")
    return(paste0("{\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1
  if (is.character(x) || is.factor(x)) {
    vals <- paste0("\"", as.character(x), "\"")
  } else if (is.logical(x)) {
    vals <- ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else {
    vals <- num_json(as.numeric(x))
  }
  if (as_array) paste0("[", paste(vals, collapse = ", "), "]") else vals
}

