phase = "after"
