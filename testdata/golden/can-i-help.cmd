can-i --help
