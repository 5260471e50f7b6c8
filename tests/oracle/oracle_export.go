// The oracle readings (oracle_readings.go) as a C archive, linked into the kubectl_differential fuzz target and
// its replay test (tests/fuzz/kubectl_differential_fuzzer.cpp). Each function returns a malloc'd,
// NUL-terminated JSON text the caller frees.
package main

// #include <stdlib.h>
import "C"

import "unsafe"

//export rbacgraph_oracle_kubectl_documents
func rbacgraph_oracle_kubectl_documents(data *C.char, size C.size_t) *C.char {
	return C.CString(string(kubectlDocuments(C.GoBytes(unsafe.Pointer(data), C.int(size)))))
}

//export rbacgraph_oracle_authenticator_entries
func rbacgraph_oracle_authenticator_entries(data *C.char, size C.size_t, userarn C.int) *C.char {
	field := "rolearn"
	if userarn != 0 {
		field = "userarn"
	}
	return C.CString(string(authenticatorEntries(C.GoBytes(unsafe.Pointer(data), C.int(size)), field)))
}

//export rbacgraph_oracle_authenticator_accounts
func rbacgraph_oracle_authenticator_accounts(data *C.char, size C.size_t) *C.char {
	return C.CString(string(authenticatorAccounts(C.GoBytes(unsafe.Pointer(data), C.int(size)))))
}

func main() {}
