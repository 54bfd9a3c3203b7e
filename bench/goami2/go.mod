module github.com/amsh/amsh/bench/goami2

go 1.26

replace github.com/amsh/amsh => ../..

require (
	github.com/amsh/amsh v0.0.0-00010101000000-000000000000
	github.com/staskobzar/goami2 v1.7.7
)
