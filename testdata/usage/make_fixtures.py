#!/usr/bin/env python3
# Writes the testdata/usage fixtures (run from the repository root): audit.k8s.io/v1 Events built from the documented fields
# (kubernetes/apiserver pkg/apis/audit/v1/types.go; usage-evidence.md), against testdata/demo.
import gzip
import io
import json
import os
ACCT="111122223333"
def iam(username, groups, role, session, key, rid):
    return {"username": username, "uid": f"aws-iam-authenticator:{ACCT}:{rid}", "groups": groups,
            "extra": {"accessKeyId": [key], "arn": [f"arn:aws:sts::{ACCT}:assumed-role/{role}/{session}"],
                      "canonicalArn": [f"arn:aws:iam::{ACCT}:role/{role}"], "principalId": [rid], "sessionName": [session]}}
DAVE = iam("dev-dave", ["developers", "system:authenticated"], "developer", "dave", "ASIADAVEEXAMPLE00001", "AROADEVELOPEREXAMPLE")
BOB = iam(f"arn:aws:sts::{ACCT}:assumed-role/platform-engineer/bob-example.com", ["platform", "system:authenticated"],
          "platform-engineer", "bob@example.com", "ASIABOBEXAMPLE000002", "AROAPLATFORMEXAMPLE1")
AUDITOR = {"username": "auditor", "uid": f"aws-iam-authenticator:{ACCT}:AIDAAUDITOREXAMPLE01", "groups": ["auditors", "system:authenticated"],
           "extra": {"accessKeyId": ["AKIAAUDITOREXAMPLE01"], "arn": [f"arn:aws:iam::{ACCT}:user/security-auditor"],
                     "canonicalArn": [f"arn:aws:iam::{ACCT}:user/security-auditor"], "principalId": ["AIDAAUDITOREXAMPLE01"], "sessionName": [""]}}
SCANNER = {"username": "system:serviceaccount:security:scanner", "uid": "5b0f7e6a-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
           "groups": ["system:serviceaccounts", "system:serviceaccounts:security", "system:authenticated"],
           "extra": {"authentication.kubernetes.io/pod-name": ["scanner-7c9d8b6f5-abcde"]}}
STRANGER = iam("intruder", ["system:authenticated"], "unmapped-role", "x", "ASIASTRANGEREXAMPLE3", "AROASTRANGEREXAMPLE1")
WRONG = iam("dev-erin", ["developers", "shadow-admins", "system:authenticated"], "developer", "erin", "ASIAERINEXAMPLE00004", "AROADEVELOPEREXAMPLE")
n = 0
events = []
def ev(user, verb, uri, stage="ResponseComplete", ref=None, code=200, decision="allow", reason="", level="Metadata",
       t="2026-06-10T08:00:00.000000Z", imp=None, audit_id=None):
    global n
    n += 1
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
         "auditID": audit_id or f"00000000-0000-4000-8000-{n:012d}", "stage": stage, "requestURI": uri, "verb": verb,
         "user": user}
    if imp: e["impersonatedUser"] = imp
    e["sourceIPs"] = ["10.0.0.1"]; e["userAgent"] = "kubectl/v1.30.2 (linux/amd64) kubernetes/abcdef0"
    if ref is not None: e["objectRef"] = ref
    if stage != "RequestReceived": e["responseStatus"] = {"metadata": {}, "code": code}
    e["requestReceivedTimestamp"] = t
    e["stageTimestamp"] = t
    if stage != "RequestReceived" and decision is not None:
        e["annotations"] = {"authorization.k8s.io/decision": decision, "authorization.k8s.io/reason": reason}
    events.append(e)
    return e["auditID"]
R = lambda res, ns=None, name=None, group=None, sub=None: {k: v for k, v in
    [("resource", res), ("namespace", ns), ("name", name), ("apiGroup", group), ("apiVersion", "v1"), ("subresource", sub)] if v is not None}
dev_fe = 'RBAC: allowed by RoleBinding "developers/shop-frontend" of ClusterRole "shop-developer" to Group "developers"'
# 1-2 a RequestReceived/ResponseComplete pair: counted once
a = ev(DAVE, "list", "/api/v1/namespaces/shop-frontend/pods?limit=500", "RequestReceived", R("pods", "shop-frontend"), decision=None, t="2026-06-10T08:00:01.000000Z")
ev(DAVE, "list", "/api/v1/namespaces/shop-frontend/pods?limit=500", ref=R("pods", "shop-frontend"), reason=dev_fe, t="2026-06-10T08:00:01.000000Z", audit_id=a, level="Request")
# 3-4 a watch: ResponseStarted then ResponseComplete
w = ev(DAVE, "watch", "/apis/apps/v1/namespaces/shop-frontend/deployments?watch=true", "ResponseStarted", R("deployments", "shop-frontend", group="apps"), reason=dev_fe, t="2026-06-10T08:01:00.000000Z", level="Request")
ev(DAVE, "watch", "/apis/apps/v1/namespaces/shop-frontend/deployments?watch=true", ref=R("deployments", "shop-frontend", group="apps"), reason=dev_fe, t="2026-06-10T08:01:00.000000Z", audit_id=w, level="Request")
# 5 subresource pods/log
ev(DAVE, "get", "/api/v1/namespaces/shop-frontend/pods/web-1/log", ref=R("pods", "shop-frontend", "web-1", sub="log"), reason=dev_fe, t="2026-06-10T08:02:00.000000Z", level="Request")
# 6 the same again, a second request: counted twice
ev(DAVE, "get", "/api/v1/namespaces/shop-frontend/pods/web-1/log", ref=R("pods", "shop-frontend", "web-1", sub="log"), reason=dev_fe, t="2026-06-10T09:02:00.000000Z", level="Request")
# 7 the record of 6 delivered twice by CloudWatch: a duplicate
events.append(dict(events[-1]))
# 8 non-resource URL (discovery), query dropped
ev(DAVE, "get", "/apis?timeout=32s", t="2026-06-10T08:03:00.000000Z", reason='RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"')
# 9 forbidden
ev(DAVE, "list", "/api/v1/namespaces/shop-frontend/secrets", ref=R("secrets", "shop-frontend"), code=403, decision="forbid")
# 10 a reason naming a binding the export lacks (allowed; export also allows via developers)
ev(DAVE, "get", "/apis/apps/v1/namespaces/shop-frontend/deployments/web", ref=R("deployments", "shop-frontend", "web", group="apps"),
   reason='RBAC: allowed by RoleBinding "legacy-deployers/shop-frontend" of Role "legacy-deployer" to User "dev-dave"', t="2026-06-10T08:04:00.000000Z")
# 11 create with generateName: name filled from the response, cleared
ev(DAVE, "create", "/apis/apps/v1/namespaces/shop-frontend/deployments?dryRun=All", ref=R("deployments", "shop-frontend", "web-x7k2p", group="apps"), code=201, decision="forbid", t="2026-06-10T08:05:00.000000Z")
# 12 impersonation: bob as dev-dave
ev(BOB, "list", "/api/v1/namespaces/shop-frontend/pods", ref=R("pods", "shop-frontend"), imp={"username": "dev-dave", "groups": ["developers", "system:authenticated"]}, reason=dev_fe, t="2026-06-10T08:06:00.000000Z")
# 13 exec over SPDY (create) by bob, ResponseStarted only (still open when exported)
ev(BOB, "create", "/api/v1/namespaces/shop-checkout/pods/api-1/exec?command=sh", "ResponseStarted", R("pods", "shop-checkout", "api-1", sub="exec"), code=101,
   reason='RBAC: allowed by ClusterRoleBinding "platform-admins" of ClusterRole "cluster-admin" to Group "platform"', t="2026-06-10T08:07:00.000000Z", level="RequestResponse")
# 14 watch with fieldSelector: authorized with the name
ev(AUDITOR, "watch", "/api/v1/namespaces/shop-checkout/configmaps?fieldSelector=metadata.name%3Dsettings&watch=true", "ResponseStarted", R("configmaps", "shop-checkout", "settings"),
   reason='RBAC: allowed by ClusterRoleBinding "security-audit" of ClusterRole "security-audit" to Group "auditors"', t="2026-06-10T08:08:00.000000Z", level="Request")
# 15 ServiceAccount list across namespaces
ev(SCANNER, "list", "/api/v1/secrets?limit=500", ref=R("secrets"), reason='RBAC: allowed by ClusterRoleBinding "security-audit" of ClusterRole "security-audit" to ServiceAccount "scanner/security"', t="2026-06-10T08:09:00.000000Z")
# 16 ServiceAccount refused
ev(SCANNER, "delete", "/api/v1/namespaces/security/secrets/old", ref=R("secrets", "security", "old"), code=403, decision="forbid", t="2026-06-10T08:09:30.000000Z")
# 17 401: no identity
ev({}, "list", "/api/v1/pods", "ResponseStarted", R("pods"), code=401, decision=None, t="2026-06-10T08:10:00.000000Z")
# 18 429 from API priority and fairness: no decision
ev(DAVE, "list", "/api/v1/namespaces/shop-frontend/pods", ref=R("pods", "shop-frontend"), code=429, decision=None, t="2026-06-10T08:10:30.000000Z")
# 19 a principal the export does not map, allowed
ev(STRANGER, "get", "/api/v1/namespaces/default/pods/p", ref=R("pods", "default", "p"), reason='RBAC: allowed by ClusterRoleBinding "intruders" of ClusterRole "view" to User "intruder"', t="2026-06-10T08:11:00.000000Z")
# 20 groups differ from the mapping
ev(WRONG, "get", "/api/v1/namespaces/shop-frontend/pods/web-1", ref=R("pods", "shop-frontend", "web-1"), reason=dev_fe, t="2026-06-10T11:00:00.000000Z")
# 21 the cluster refused what the export allows
ev(DAVE, "get", "/api/v1/namespaces/shop-frontend/services/web", ref=R("services", "shop-frontend", "web"), code=403, decision="forbid", t="2026-06-10T11:05:00.000000Z")
# 22 allowed in the cluster, not by the export
ev(DAVE, "delete", "/api/v1/namespaces/shop-frontend/pods/web-1", ref=R("pods", "shop-frontend", "web-1"), reason='RBAC: allowed by RoleBinding "developers/shop-frontend" of ClusterRole "shop-developer" to Group "developers"', t="2026-06-10T11:06:00.000000Z")
lines = [json.dumps(e, separators=(",", ":")) for e in events]
open("testdata/usage/audit.jsonl", "w").write("\n".join(lines) + "\n")
# The same as a CloudWatch Logs export to S3 (gzip, '<ISO time> <message>' lines), and as filter-log-events output
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g:
    g.write("".join(f"{e['stageTimestamp'][:23]}Z {l}\n" for e, l in zip(events, lines)).encode())
os.makedirs("testdata/usage/s3-export", exist_ok=True)
open("testdata/usage/s3-export/000000.gz", "wb").write(buf.getvalue())
cw = {"events": [{"logStreamName": "kube-apiserver-audit-0123456789abcdef0123456789abcdef", "timestamp": 1781078400000 + i,
                  "message": l, "ingestionTime": 1781078401000 + i, "eventId": f"{i:056d}"} for i, l in enumerate(lines)],
      "searchedLogStreams": []}
open("testdata/usage/filter-log-events.json", "w").write(json.dumps(cw, indent=4) + "\n")
