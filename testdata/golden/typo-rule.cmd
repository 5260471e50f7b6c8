rules secret-acess
