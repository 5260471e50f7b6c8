check testdata/realworld/kube-system-addons --default-namespace kube-system --fail-on never
