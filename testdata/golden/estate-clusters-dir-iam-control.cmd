what-can arn:aws:iam::111122223333:user/bob --clusters testdata/estate-diff/base
