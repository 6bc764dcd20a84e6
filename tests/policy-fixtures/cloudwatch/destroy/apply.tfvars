phase = "before"
