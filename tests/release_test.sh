#!/usr/bin/env bash
# What scripts/release made works where a user puts it: the binary links only glibc and names its version and
# commit, `cmake --install` into a prefix gives a working binary, the tarball matches its checksum, and the .deb
# holds the binary and the docs and runs once extracted. Usage: release_test.sh BUILD_DIR DIST_DIR
set -euo pipefail
build=$1
dist=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "release_test: $*" >&2; exit 1; }

others=$(ldd "$build/rbacgraph" | grep -vE '^\s*(linux-vdso\.so|/lib64/ld-linux|libc\.so|libm\.so)' || true)
[ -z "$others" ] || fail "the portable binary links more than glibc: $others"
pattern='^rbacgraph [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-modified)?|unknown)\)$'
runs() { local said; said=$("$1" --version) && [[ $said =~ $pattern ]]; }
runs "$build/rbacgraph" || fail "--version says '$("$build/rbacgraph" --version)'"

cmake --install "$build" --prefix "$work/prefix" >/dev/null
runs "$work/prefix/bin/rbacgraph" || fail "the installed binary does not run"
[ -f "$work/prefix/share/doc/rbacgraph/rules/secrets-access.md" ] || fail "the rule pages are not installed"
[ -f "$work/prefix/share/doc/rbacgraph/LICENSE" ] || fail "LICENSE is not installed"
for file in share/man/man1/rbacgraph.1 share/bash-completion/completions/rbacgraph \
    share/zsh/vendor-completions/_rbacgraph share/fish/vendor_completions.d/rbacgraph.fish; do
    [ -s "$work/prefix/$file" ] || fail "$file is not installed"
done

tarballs=("$dist"/rbacgraph-*-linux-*.tar.gz)
[ -f "${tarballs[0]}" ] || fail "no tarball in $dist"
(cd "$dist" && sha256sum --quiet -c "$(basename "${tarballs[0]}").sha256") || fail "the tarball's checksum fails"
tar -C "$work" -xzf "${tarballs[0]}"
unpacked=("$work"/rbacgraph-*/rbacgraph)
"${unpacked[0]}" check testdata/demo --fail-on never >/dev/null 2>&1 || fail "the tarball's binary fails"

debs=("$dist"/rbacgraph_*.deb)
[ -f "${debs[0]}" ] || fail "no .deb in $dist"
[ "$(dpkg-deb --field "${debs[0]}" Package)" = rbacgraph ] || fail "the .deb is not the rbacgraph package"
dpkg-deb -x "${debs[0]}" "$work/deb"
runs "$work/deb/usr/bin/rbacgraph" || fail "the .deb's binary does not run"
[ -f "$work/deb/usr/share/doc/rbacgraph/rules/secrets-access.md" ] || fail "the .deb lacks the rule pages"
[ -s "$work/deb/usr/share/man/man1/rbacgraph.1" ] || fail "the .deb lacks the manual page"
echo "release_test: portable binary (glibc only), cmake --install, tarball and .deb all work"
