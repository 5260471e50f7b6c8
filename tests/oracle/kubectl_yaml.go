// The reading kubectl gives a YAML file, as the test oracle of rbacgraph's YAML reader (issue 28): each
// document decoded by gopkg.in/yaml.v2 and turned into JSON by sigs.k8s.io/yaml, the two libraries kubectl and
// aws-iam-authenticator read manifests and the aws-auth ConfigMap with. One JSON value per line, per document;
// a document the libraries refuse is {"rbacgraph-oracle-error": "..."}. Built by tests/reader_oracle_test.sh
// from Debian's golang-gopkg-yaml.v2-dev and golang-k8s-sigs-yaml-dev, offline; never a runtime dependency.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v2"
	sigsyaml "sigs.k8s.io/yaml"
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
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	out := json.NewEncoder(os.Stdout)
	for {
		var document interface{}
		err := decoder.Decode(&document)
		if err == io.EOF {
			return
		}
		if err != nil {
			// The decoder cannot go on after an error: report it and stop, as kubectl does.
			out.Encode(map[string]string{"rbacgraph-oracle-error": err.Error()})
			return
		}
		if document == nil {
			continue // an empty document: kubectl skips it
		}
		again, err := yaml.Marshal(document)
		if err != nil {
			out.Encode(map[string]string{"rbacgraph-oracle-error": err.Error()})
			continue
		}
		converted, err := sigsyaml.YAMLToJSON(again)
		if err != nil {
			out.Encode(map[string]string{"rbacgraph-oracle-error": err.Error()})
			continue
		}
		var value interface{}
		if err := json.Unmarshal(converted, &value); err != nil {
			out.Encode(map[string]string{"rbacgraph-oracle-error": err.Error()})
			continue
		}
		out.Encode(value)
	}
}
