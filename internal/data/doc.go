// Package data reads tables from CSV files and prepares them for training:
// it splits rows into training and validation parts, normalizes features and
// maps them into polynomial features. It knows only files and tables, not
// models or configs.
//
// # Reading CSV
//
// ReadFile and Read parse a CSV file (RFC 4180, as encoding/csv reads it,
// with strict quoting) into a Dataset. Gzip-compressed input (.csv.gz) is
// recognized by its magic bytes and decompressed on the fly. The rules:
//
//   - The first line that is not blank is the header. It names every column;
//     names must be unique and non-empty.
//   - A UTF-8 byte order mark at the start is skipped. Lines may end in LF or
//     CRLF.
//   - Blank lines (no characters at all before the line end) are skipped
//     anywhere, as encoding/csv does. A line of only spaces is not blank: it
//     is a row with one field. There are no comment lines.
//   - Every row has exactly as many fields as the header.
//   - Options.Delimiter separates the fields, ',' if 0 (PathDelimiter
//     gives a tab for a .tsv name, for callers that choose by name). A
//     file that looks separated by another delimiter, ',' ';' tab or '|',
//     is refused with an error naming it: see sniff.go.
//   - ASCII spaces and tabs around a header name or a cell are trimmed, so
//     "a, b" names columns "a" and "b", and " 1.5 " is 1.5. Spaces inside
//     quotes are trimmed too.
//   - Feature cells, and regression target cells, are numbers as
//     strconv.ParseFloat reads them; NaN and ±Inf are refused, as is an empty
//     cell (a missing value).
//   - Numbers go straight into the float64 matrix as rows are read; no
//     copy of the table is kept as strings.
//
// A regular file (or a bytes.Reader or strings.Reader) is read on
// GOMAXPROCS goroutines, chunk by chunk, into one matrix of the right size:
// a first pass counts the rows, a second parses them, so the peak memory is
// the Dataset and a chunk per goroutine. Categorical columns, missing
// cells and rows whose target is missing are read there too: each chunk
// gives its levels provisional codes in a dictionary per column, bounded
// by the column's level limit, and a last pass renumbers them in order of
// first appearance. Input this fast path does not handle (gzip, quoted
// fields holding quotes or line ends, a delimiter outside ASCII, a
// decimal comma) and every error go through encoding/csv from the start,
// so results and errors are the same either way.
//
// Input that cannot be read at any offset, such as a pipe, a named pipe
// (FIFO) or a device (/dev/stdin), is read once, from the start, by the
// slow path: it cannot be read twice, and its size is not known.
//
// # Limits
//
// No input, however large or endless, may make Read, or the training
// after it, exhaust the memory. So Read refuses, with a positioned error:
//
//   - A line of more than MaxLineBytes (64 MiB), its line end left out, or
//     a record of more than that in all when a quoted field joins lines.
//     The error names the line and the byte column where the limit is
//     passed. A demanding file of 10⁶ columns needs about 7 MB for a header
//     of names like "c123456", 2 MB for a row of digits, and 25 MB for a
//     row of float64s written in full (-0.00012345678901234567): 64 MiB
//     leaves room beyond that. An endless input, such as /dev/zero, a pipe
//     fed from it, or a quoted field never closed, is refused after 64 MiB,
//     in a fraction of a second, having allocated about 8 bytes per byte
//     of the limit (500 MB, at a peak of 300 MB): encoding/csv grows its
//     line buffer by appending and copies the fields into one string. A
//     limit of 256 MiB would make that 2 GB.
//   - A line of more than MaxFields (2²¹, 2,097,152) fields, which is also
//     the most columns a file may have: twice 10⁶. encoding/csv keeps some
//     40 bytes per field and grows them by appending, about 85 bytes per
//     byte of a line of one-byte fields: without this limit, a line of
//     64 MiB of "1," would take 2.7 GB; with it, a line stops at field
//     2,097,153, having allocated some 400 MB.
//   - A classification target of more than MaxClasses (1000) classes. The
//     output layer has one unit per class, and the cross-entropy target
//     is a one-hot n×k matrix of float64s: 8 KB per row at 1000 classes, as
//     much as 1000 features. A target with more classes is almost always
//     an id, a free-text or a numeric column chosen by mistake (issue 17:
//     an id column of 20,000 values asked for a 3.2 GB target, one of
//     10⁵ values for 80 GB). The error is at the row of the 1001st class,
//     so Read stops there, holding 1000 labels.
//   - A one-hot target that would take more than MaxOneHotBytes (1 GiB) and
//     more than the features, n×k > n×d: a target of many classes over many
//     rows of few features, which makes training allocate far more than the
//     file holds (800 KB of 134,218 rows "d,ddd" with 1000 classes make a
//     target of 1 GiB). A target no larger than the features only
//     doubles what the table takes, and is read however large; a target
//     read for prediction (Options.TargetOptional) is not encoded, and
//     not limited.
//   - With Options.MaxBytes, a table whose rows would take more than it
//     (RowBytes each: 8 bytes a number, a line number and a class). A
//     file that compresses well makes any number of rows (3 GB of
//     "0,1,1" lines in 13 MB of gzip took 5.6 GB before the memory
//     estimate could refuse them); the error is at the row that passes
//     the bound, so Read stops there. The fast path counts the rows
//     first and, if they are too many, leaves the read to the slow path,
//     which stops at the same row or at an earlier error.
//
// A character device is not refused for what it is: a terminal can carry
// a CSV file typed or pasted into /dev/stdin, and /dev/null reads as an
// empty file. The line limit ends the endless ones, as it ends any other
// endless stream, and names the line: /dev/zero:1:67108865. /dev/urandom
// has line ends, and its first line fails as a header (a bare quote, or a
// name that is not UTF-8) at once. The limits bound a line, not the number
// of lines: a stream of valid rows that never ends, such as yes 1,0
// piped in, grows as a file of that size would.
//
// The limits apply to the text after gzip decompression, and both paths
// enforce them alike: the fast path gives up on a line that may be too
// long, a header of too many columns or too many classes, and the slow
// path finds the row and the column.
//
// # Classes
//
// A classification target holds labels, strings or integers, compared as
// trimmed strings: "1" and "1.0" are different classes. The classes found in
// a file are sorted numerically if every label is a finite number (so "2"
// comes before "10"), else by bytes ("Setosa" before "setosa"). Labels is
// the index of each row's class in Classes. When Options.Classes is given (a
// saved model's classes), Classes is exactly that list, in its order, and a
// label not in it is an error. Training needs at least two classes.
//
// # Errors
//
// Every error about the input is an *inputerr.Error naming the file, the
// 1-based line and, where known, the column, and saying how to fix it:
//
//	iris.csv:14:3: column "sepal_width": not a number: "abc" (hint: ...)
//
// The column is the 1-based field index in the row, except for CSV syntax
// errors (quotes), where it is encoding/csv's 1-based byte column in the
// line, and for a line too long, where it is the byte column of the first
// byte past the limit. The errors of the limits wrap ErrLineTooLong,
// ErrTooManyFields, ErrTooManyClasses and ErrOneHotTooLarge, for
// errors.Is. Read never panics on bad input; the functions here panic only
// on a programmer's error, such as a matrix of the wrong shape, with a
// "data: " prefix.
//
// # Notation
//
//	n       rows (examples)
//	d       features, the columns of X
//	k       regression targets (columns of Y) or classes
//	ψ(x)    the polynomial feature map, applied before normalization
//	x'      (x − offset)/scale, the normalized features
//
// # Normalization and feature maps
//
// FitScaler computes per-column offsets and scales from the training rows
// only; Scaler.Apply then normalizes any rows the same way. A constant
// column gets scale 1, as in scikit-learn, and a warning. Polynomial maps d
// inputs to every monomial of degree 1 to D, in scikit-learn's order, or
// with InteractionsOnly to the products of distinct inputs only.
//
// # Splits
//
// Split draws a validation part from a seeded *rand.Rand, stratified by
// class for classification, and returns sorted row indices.
// EmptySplitError says why a split left the validation part empty: for a
// stratified split, that the fraction is taken of each class.
package data
