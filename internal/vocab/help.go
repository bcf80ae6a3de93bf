package vocab

import (
	"fmt"
	"strings"
)

// Help returns the catalog as a help text: under each config key that
// takes one of its names, a line per name (with its aliases) saying what
// it does and, where it matters, where it may appear and what it needs.
func Help() string {
	type line struct{ names, help string }
	var sections []struct {
		key   string
		lines []line
	}
	add := func(key string, lines []line) {
		sections = append(sections, struct {
			key   string
			lines []line
		}{key, lines})
	}
	var ls []line
	for _, a := range activations {
		h := a.Help
		if a.OutputOnly {
			h += "; output layer only"
		}
		ls = append(ls, line{strings.Join(append([]string{a.Name}, a.Aliases...), ", "), h})
	}
	add("model.layers[].activation", ls)
	ls = nil
	for _, l := range losses {
		h := l.Help
		switch {
		case l.Output != "" && l.Units > 0:
			h += fmt.Sprintf("; %d %s output unit%s", l.Units, l.Output, plural(l.Units))
		case l.Output != "":
			h += "; " + l.Output + " output"
		}
		ls = append(ls, line{l.Name, h})
	}
	add("model.loss", ls)
	ls = nil
	for _, i := range inits {
		ls = append(ls, line{i.Name, i.Help})
	}
	add("model.init", ls)
	ls = nil
	for _, o := range optimizers {
		h := o.Help
		var also []string
		for _, r := range o.Reads {
			if r != "learning_rate" {
				also = append(also, "train."+r)
			}
		}
		if len(also) > 0 {
			h += "; reads " + strings.Join(also, ", ")
		}
		ls = append(ls, line{o.Name, h})
	}
	add("train.optimizer", ls)
	ls = nil
	for _, sc := range schedules {
		ls = append(ls, line{sc.Name, sc.Help})
	}
	add("train.schedule.kind (epoch i ≤ warmup_epochs W at α·i/W; e from 0 after)", ls)

	width := 0
	for _, s := range sections {
		for _, l := range s.lines {
			width = max(width, len(l.names))
		}
	}
	var b strings.Builder
	b.WriteString("Names a config may use (aliases after the name; α is train.learning_rate):\n")
	for _, s := range sections {
		fmt.Fprintf(&b, "  %s\n", s.key)
		for _, l := range s.lines {
			fmt.Fprintf(&b, "    %-*s  %s\n", width, l.names, l.help)
		}
	}
	return b.String()
}
