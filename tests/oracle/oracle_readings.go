// The readings kubectl and aws-iam-authenticator give bytes, shared by the oracle command (kubectl_yaml.go) and
// the differential fuzz target's archive (oracle_export.go). Built from Debian's golang-gopkg-yaml.v2-dev and
// golang-k8s-sigs-yaml-dev, offline; a test oracle, never a runtime dependency of rbacgraph.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v2"
	sigsyaml "sigs.k8s.io/yaml"
)

// kubectlDocuments reads a YAML stream as `kubectl apply -f` does: k8s.io/apimachinery's YAMLReader
// (pkg/util/yaml/decoder.go) cuts it into documents at lines that start with "---" followed by nothing but
// spaces or a comment (anything else after "---" is "invalid Yaml document separator"), and each document goes
// through sigs.k8s.io/yaml (go-yaml v2, then JSON). One JSON value per line per non-empty document; a
// document the libraries refuse is {"rbacgraph-oracle-error": "..."} and ends the stream, as it ends kubectl's
// reading. (apimachinery is not packaged in Debian; the cutting is restated here from its source.)
func kubectlDocuments(data []byte) []byte {
	// cli-runtime's FileVisitor reads a file through unicode.BOMOverride(unicode.UTF8.NewDecoder())
	// (pkg/resource/visitor.go), which consumes a UTF-8 byte order mark at the start before the YAMLReader
	// cuts lines: "<BOM>---" is a separator to kubectl.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	refuse := func(err error) { encoder.Encode(map[string]string{"rbacgraph-oracle-error": err.Error()}) }
	var document bytes.Buffer
	emit := func() bool {
		defer document.Reset()
		if document.Len() == 0 {
			return true
		}
		converted, err := sigsyaml.YAMLToJSON(document.Bytes())
		if err != nil {
			refuse(err)
			return false
		}
		var value interface{}
		if err := json.Unmarshal(converted, &value); err != nil {
			refuse(err)
			return false
		}
		if value != nil { // an empty document (comments only, or null): kubectl skips it
			encoder.Encode(value)
		}
		return true
	}
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		var line []byte
		if end < 0 {
			line, data = append(append([]byte{}, data...), '\n'), nil
		} else {
			line, data = data[:end+1], data[end+1:]
		}
		if bytes.HasPrefix(line, []byte("---")) {
			trimmed := strings.TrimSpace(string(line[3:]))
			if len(trimmed) > 0 && trimmed[0] != '#' {
				refuse(fmt.Errorf("invalid Yaml document separator: %s", trimmed))
				return out.Bytes()
			}
			if !emit() {
				return out.Bytes()
			}
			continue
		}
		document.Write(line)
	}
	emit()
	return out.Bytes()
}

// The fields aws-iam-authenticator's config.RoleMapping / config.UserMapping decode (pkg/config/types.go);
// `sso` and `userid` are left out: the ConfigMap mapper never matches on them.
type authenticatorEntry struct {
	RoleARN  string   `json:"rolearn"`
	UserARN  string   `json:"userarn"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

// authenticatorEntries decodes one mapRoles or mapUsers string as aws-iam-authenticator's ParseMap does
// (pkg/mapper/configmap/configmap.go): isSkippable, then k8s.io/apimachinery's yaml.ToJSON (input that starts
// with '{' is taken as JSON as it is, anything else goes through sigs.k8s.io/yaml.YAMLToJSON), then
// encoding/json into a list of entries, keeping what decoded even when a field had the wrong type. The result
// is a JSON list of {"arn", "username", "groups"} in entry order.
func authenticatorEntries(data []byte, arnField string) []byte {
	entries := make([]authenticatorEntry, 0)
	trimmed := bytes.TrimSpace(data)
	skippable := len(trimmed) == 0 || string(trimmed) == "``" || string(trimmed) == `""`
	if !skippable {
		converted := data
		if !bytes.HasPrefix(trimmed, []byte("{")) {
			var err error
			converted, err = sigsyaml.YAMLToJSON(data)
			if err != nil {
				converted = nil
			}
		}
		if converted != nil {
			_ = json.Unmarshal(converted, &entries) // a type error keeps the rest, as in ParseMap
		}
	}
	type reading struct {
		ARN      string   `json:"arn"`
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	}
	readings := make([]reading, 0, len(entries))
	for _, entry := range entries {
		arn := entry.RoleARN
		if arnField == "userarn" {
			arn = entry.UserARN
		}
		groups := entry.Groups
		if groups == nil {
			groups = []string{}
		}
		readings = append(readings, reading{ARN: arn, Username: entry.Username, Groups: groups})
	}
	out, _ := json.Marshal(readings)
	return out
}

// authenticatorAccounts decodes a mapAccounts string as ParseMap does: isSkippable, then gopkg.in/yaml.v2 straight
// into a list of strings (an unquoted number is kept as its text). A JSON list; an unreadable value is no
// accounts.
func authenticatorAccounts(data []byte) []byte {
	accounts := make([]string, 0)
	trimmed := bytes.TrimSpace(data)
	if !(len(trimmed) == 0 || string(trimmed) == "``" || string(trimmed) == `""`) {
		if err := yaml.Unmarshal(data, &accounts); err != nil || accounts == nil {
			accounts = make([]string, 0) // unreadable, or a null document: no accounts
		}
	}
	out, _ := json.Marshal(accounts)
	return out
}
