# The rbacgraph container image: the portable release binary (it needs only glibc) on distroless's glibc base,
# no shell, no package manager. Built by .github/workflows/release.yml from the tarball scripts/release wrote
# (docker build --build-arg VERSION=0.1.0 .), checked against its published checksum first. The working
# directory is /src, where pre-commit's docker_image hook and `docker run -v "$PWD:/src"` put the repository.
FROM debian:12-slim AS unpack
ARG VERSION
COPY dist/rbacgraph-${VERSION}-linux-x86_64.tar.gz dist/rbacgraph-${VERSION}-linux-x86_64.tar.gz.sha256 /tmp/
RUN cd /tmp && sha256sum --check --strict "rbacgraph-${VERSION}-linux-x86_64.tar.gz.sha256" \
    && tar -xzf "rbacgraph-${VERSION}-linux-x86_64.tar.gz" && mv "rbacgraph-${VERSION}-linux-x86_64" rbacgraph

FROM gcr.io/distroless/base-debian12
COPY --from=unpack /tmp/rbacgraph/rbacgraph /usr/local/bin/rbacgraph
COPY --from=unpack /tmp/rbacgraph/LICENSE /tmp/rbacgraph/NOTICE /usr/share/doc/rbacgraph/
LABEL org.opencontainers.image.source="https://github.com/rbacgraph/rbacgraph" \
      org.opencontainers.image.description="Kubernetes RBAC and EKS access analyzer" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/rbacgraph"]
