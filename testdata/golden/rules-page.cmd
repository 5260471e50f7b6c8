rules pod-exec
