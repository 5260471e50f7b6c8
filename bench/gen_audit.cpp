// Writes a deterministic synthetic EKS audit log of a given size to standard output, one audit.k8s.io/v1
// Event per line as the API server writes them (usage-evidence.md), for the identities of testdata/demo:
//   rbacgraph-gen-audit --bytes N [--seed S]      (N may end in K, M or G)
// The mix follows EKS's audit policy: most events at Metadata or Request without bodies, a tenth carrying
// request or response objects of 0.5 to 4 KiB, watches and execs with their ResponseStarted stage, a few
// refusals, impersonations and 401s.
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: deterministic across platforms.
struct Random {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
};

struct Caller {
    std::string user;  // the JSON of the user field
    bool node = false;
};

std::vector<Caller> callers() {
    std::vector<Caller> out;
    for (int i = 0; i < 40; ++i) {
        out.push_back({fmt::format(
            R"({{"username":"dev-user{0}","uid":"aws-iam-authenticator:111122223333:AROADEVELOPEREXAMPLE","groups":["developers","system:authenticated"],"extra":{{"accessKeyId":["ASIADEV{0:013}"],"arn":["arn:aws:sts::111122223333:assumed-role/developer/user{0}"],"canonicalArn":["arn:aws:iam::111122223333:role/developer"],"principalId":["AROADEVELOPEREXAMPLE"],"sessionName":["user{0}"]}}}})",
            i)});
    }
    out.push_back(
        {R"({"username":"arn:aws:sts::111122223333:assumed-role/ci-deployer/gha-1","uid":"aws-iam-authenticator:111122223333:AROACIDEPLOYEREXAMPL","groups":["system:authenticated"],"extra":{"accessKeyId":["ASIACIDEPLOY00000001"],"arn":["arn:aws:sts::111122223333:assumed-role/ci-deployer/gha-1"],"canonicalArn":["arn:aws:iam::111122223333:role/ci-deployer"],"principalId":["AROACIDEPLOYEREXAMPL"],"sessionName":["gha-1"]}})"});
    out.push_back(
        {R"({"username":"auditor","uid":"aws-iam-authenticator:111122223333:AIDAAUDITOREXAMPLE01","groups":["auditors","system:authenticated"],"extra":{"accessKeyId":["AKIAAUDITOREXAMPLE01"],"arn":["arn:aws:iam::111122223333:user/security-auditor"],"canonicalArn":["arn:aws:iam::111122223333:user/security-auditor"],"principalId":["AIDAAUDITOREXAMPLE01"],"sessionName":[""]}})"});
    for (int i = 0; i < 8; ++i) {
        out.push_back({fmt::format(
            R"({{"username":"system:serviceaccount:shop-frontend:worker{0}","uid":"5b0f7e6a-1c2d-4e3f-8a9b-0c1d2e3f4a{0:02}","groups":["system:serviceaccounts","system:serviceaccounts:shop-frontend","system:authenticated"],"extra":{{"authentication.kubernetes.io/pod-name":["worker{0}-7c9d8b6f5-abcde"],"authentication.kubernetes.io/pod-uid":["8e1f0a2b-3c4d-4e5f-9a6b-7c8d9e0f1a2b"]}}}})",
            i)});
    }
    for (int i = 0; i < 6; ++i) {
        out.push_back(
            {fmt::format(
                 R"({{"username":"system:node:ip-10-0-{0}-34.eu-west-1.compute.internal","uid":"aws-iam-authenticator:111122223333:AROASHOPNODEROLEXEXM6","groups":["system:bootstrappers","system:nodes","system:authenticated"],"extra":{{"accessKeyId":["ASIANODE{0:012}"],"arn":["arn:aws:sts::111122223333:assumed-role/shop-prod-node-role/i-0a1b2c3d4e5f6{0:04}"],"canonicalArn":["arn:aws:iam::111122223333:role/shop-prod-node-role"],"principalId":["AROASHOPNODEROLEXEXM6"],"sessionName":["i-0a1b2c3d4e5f6{0:04}"]}}}})",
                 i),
             true});
    }
    return out;
}

struct Resource {
    std::string_view group;
    std::string_view resource;
    std::string_view version;
};

constexpr Resource kResources[] = {{"", "pods", "v1"},
                                   {"", "configmaps", "v1"},
                                   {"", "secrets", "v1"},
                                   {"", "services", "v1"},
                                   {"apps", "deployments", "v1"},
                                   {"apps", "replicasets", "v1"},
                                   {"batch", "jobs", "v1"},
                                   {"coordination.k8s.io", "leases", "v1"}};
constexpr std::string_view kVerbs[] = {"get",   "get",    "get",   "list",   "list",
                                       "watch", "update", "patch", "create", "delete"};
constexpr std::string_view kNamespaces[] = {"shop-frontend", "shop-checkout", "kube-system", "security",
                                            "payments",      "search",        "catalog",     "default"};

std::string body(Random& random) {
    // A trimmed object: labels and a data map of some size, as RequestResponse events carry.
    std::string data;
    const std::size_t entries = 4 + random.below(60);
    for (std::size_t i = 0; i < entries; ++i) {
        data += fmt::format(R"({}"key-{}":"value-{:016x}-{:016x}")", i == 0 ? "" : ",", i, random.next(),
                            random.next());
    }
    return fmt::format(
        R"({{"kind":"ConfigMap","apiVersion":"v1","metadata":{{"name":"settings","namespace":"shop-frontend","uid":"{:016x}","resourceVersion":"{}","labels":{{"app":"web","tier":"frontend"}}}},"data":{{{}}}}})",
        random.next(), random.below(1000000), data);
}

std::uint64_t parse_size(std::string_view text) {
    char* end = nullptr;
    std::uint64_t value = std::strtoull(std::string(text).c_str(), &end, 10);
    switch (*end) {
        case 'K':
            value <<= 10U;
            break;
        case 'M':
            value <<= 20U;
            break;
        case 'G':
            value <<= 30U;
            break;
        default:
            break;
    }
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t bytes = 1U << 20U;
    std::uint64_t seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view option = argv[i];
        if (option == "--bytes") {
            bytes = parse_size(argv[i + 1]);
        } else if (option == "--seed") {
            seed = std::strtoull(argv[i + 1], nullptr, 10);
        } else {
            std::cerr << "usage: rbacgraph-gen-audit --bytes N[K|M|G] [--seed S]\n";
            return 2;
        }
    }
    Random random{seed};
    const std::vector<Caller> who = callers();
    std::uint64_t written = 0;
    std::uint64_t id = 0;
    std::int64_t micros = 1780992000000000;  // 2026-06-09T08:00:00Z
    std::string out;
    out.reserve(1U << 20U);
    const auto emit = [&](const std::string& line) {
        out += line;
        out += '\n';
        written += line.size() + 1;
        if (out.size() > (1U << 20U)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    };
    while (written < bytes) {
        ++id;
        micros += static_cast<std::int64_t>(random.below(20000));
        const std::int64_t seconds = micros / 1000000;
        const std::string time =
            fmt::format("2026-06-{:02}T{:02}:{:02}:{:02}.{:06}Z", 9 + seconds / 86400 % 20,
                        seconds / 3600 % 24, seconds / 60 % 60, seconds % 60, micros % 1000000);
        const Caller& caller = who[random.below(who.size())];
        const Resource& resource = kResources[random.below(std::size(kResources))];
        const std::string_view verb = kVerbs[random.below(std::size(kVerbs))];
        const std::string_view ns = kNamespaces[random.below(std::size(kNamespaces))];
        const bool named = verb != "list" && verb != "watch" && verb != "create";
        const std::string name = named ? fmt::format("obj-{}", random.below(400)) : std::string();
        const bool allowed = random.below(20) != 0;
        const bool unauthenticated = random.below(500) == 0;
        const std::string user = unauthenticated ? std::string("{}") : caller.user;
        const std::string impersonated =
            random.below(200) == 0
                ? R"(,"impersonatedUser":{"username":"dev-alice","groups":["developers","system:authenticated"]})"
                : "";
        const std::string prefix = resource.group.empty()
                                       ? fmt::format("/api/{}", resource.version)
                                       : fmt::format("/apis/{}/{}", resource.group, resource.version);
        const std::string uri = fmt::format("{}/namespaces/{}/{}{}{}", prefix, ns, resource.resource,
                                            name.empty() ? "" : "/", name);
        std::string object_ref = fmt::format(R"("resource":"{}","namespace":"{}")", resource.resource, ns);
        if (!name.empty()) {
            object_ref += fmt::format(R"(,"name":"{}")", name);
        }
        if (!resource.group.empty()) {
            object_ref += fmt::format(R"(,"apiGroup":"{}")", resource.group);
        }
        object_ref += fmt::format(R"(,"apiVersion":"{}")", resource.version);
        const bool bodies = random.below(10) == 0 && verb != "get" && verb != "list" && verb != "watch";
        const std::string level = bodies ? "RequestResponse" : random.below(2) == 0 ? "Request" : "Metadata";
        const int code = unauthenticated ? 401 : allowed ? 200 : 403;
        const std::string annotations =
            unauthenticated ? ""
            : allowed
                ? R"(,"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \"developers/shop-frontend\" of ClusterRole \"shop-developer\" to Group \"developers\""})"
                : R"(,"annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""})";
        const std::string objects =
            bodies ? fmt::format(R"(,"requestObject":{},"responseObject":{})", body(random), body(random))
                   : "";
        const std::string audit_id = fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", id, id % 65536,
                                                 id % 4096, id % 4096, random.next() % 0xffffffffffffULL);
        const auto event = [&](std::string_view stage, bool with_status) {
            return fmt::format(
                R"({{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"{}","auditID":"{}","stage":"{}","requestURI":"{}","verb":"{}","user":{}{},"sourceIPs":["10.0.{}.{}"],"userAgent":"kubectl/v1.30.2 (linux/amd64) kubernetes/abcdef0","objectRef":{{{}}}{}{},"requestReceivedTimestamp":"{}","stageTimestamp":"{}"{}}})",
                level, audit_id, stage, uri, verb, user, impersonated, random.below(256), random.below(256),
                object_ref,
                with_status ? fmt::format(R"(,"responseStatus":{{"metadata":{{}},"code":{}}})", code) : "",
                objects, time, time, with_status ? annotations : "");
        };
        if (verb == "watch" && !unauthenticated) {
            emit(event("ResponseStarted", true));
        }
        emit(event(unauthenticated ? "ResponseStarted" : "ResponseComplete", true));
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
}
