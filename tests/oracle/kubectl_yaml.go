// The reading kubectl gives a YAML file, as the test oracle of rbacgraph's YAML reader (issue 28): each
// document decoded by gopkg.in/yaml.v2 and turned into JSON by sigs.k8s.io/yaml, the two libraries kubectl and
// aws-iam-authenticator read manifests and the aws-auth ConfigMap with (oracle_readings.go). One JSON value per
// line, per document; a document the libraries refuse is {"rbacgraph-oracle-error": "..."}. Built by
// tests/reader_oracle_test.sh with oracle_readings.go, offline; never a runtime dependency.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubectl_yaml FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Stdout.Write(kubectlDocuments(data))
}
