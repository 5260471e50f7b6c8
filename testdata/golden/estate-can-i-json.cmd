can-i list pods -n web --arn arn:aws:iam::111122223333:user/alice -o json --cluster prod=testdata/estate/clusters/prod testdata/estate/iam
