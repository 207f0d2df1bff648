package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// viewField is one labelled value of an object as text.
type viewField struct{ label, value string }

// objectView is an account object (or a zone) as the commands print it:
// json under -o json; fields as "label  value" lines for one object, or as
// a table's columns in a list; after, a line printed after the fields (a
// generated secret, shown once).
type objectView struct {
	id     string
	json   any
	fields []viewField
	after  string
}

// writeText prints one object, one field a line.
func (v objectView) writeText(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range v.fields {
		fmt.Fprintf(tw, "%s\t%s\n", f.label, dash(f.value))
	}
	_ = tw.Flush()
	if v.after != "" {
		fmt.Fprintln(w, v.after)
	}
}

// changedView is now with each field whose value differs from was's
// shown as "old → new" (was and now are views of one object), and a line
// saying so when none does.
func changedView(was, now objectView) objectView {
	out := now
	out.fields = make([]viewField, len(now.fields))
	changed := false
	for i, f := range now.fields {
		out.fields[i] = f
		if i < len(was.fields) && was.fields[i].label == f.label && was.fields[i].value != f.value {
			out.fields[i].value = dash(was.fields[i].value) + " → " + dash(f.value)
			changed = true
		}
	}
	if !changed && out.after == "" {
		out.after = "(nothing changed)"
	}
	return out
}

// listOutput is a list: a JSON array, or a table with a header row.
func listOutput(plural string, views []objectView) *output {
	docs := make([]any, len(views))
	for i, v := range views {
		docs[i] = v.json
	}
	return &output{json: docs, text: func(w io.Writer) {
		if len(views) == 0 {
			fmt.Fprintf(w, "(no %s)\n", plural)
			return
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		cells := make([]string, len(views[0].fields))
		for i, f := range views[0].fields {
			cells[i] = strings.ToUpper(f.label)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
		for _, v := range views {
			for i, f := range v.fields {
				cells[i] = dash(f.value)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		_ = tw.Flush()
	}}
}

// deletedOutput is delete's: {"id"}, or a line.
func deletedOutput(noun, id string) *output {
	return &output{id: id, json: struct {
		ID string `json:"id"`
	}{id}, text: func(w io.Writer) {
		fmt.Fprintf(w, "%s %s deleted\n", noun, id)
	}}
}

// dash stands for an empty value.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
