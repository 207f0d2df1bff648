package main

import "errors"

func writeSavedPlan2(path string, r *resolved, outs []outcome) (string, error) {
	return "", errors.New("todo")
}
