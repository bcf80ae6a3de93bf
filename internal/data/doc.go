// Package data reads tables from CSV and Parquet files and prepares them for training:
// it tells numeric from categorical columns, reads missing cells, encodes
// the columns for a model (Encoding), splits rows into training and
// validation parts, normalizes features and maps them into polynomial
// features. It knows only files and tables, not models or configs.
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
//   - Options.Missing lists the cells that are missing (DefaultMissing:
//     "", NA, N/A, NaN, nan, null, NULL, ?), compared after trimming. With
//     no list, no cell is missing and an empty cell is an error.
//   - Numbers are read as strconv.ParseFloat reads them, with '.' or, with
//     Options.Decimal ',', a comma as the decimal separator (a cell holding
//     a '.' is then not a number). A cell that parses to NaN or ±Inf
//     ("NaN", "Inf") is refused unless it is listed as missing (NaN is, by
//     default).
//   - Regression target cells are numbers. A row whose target cell is
//     missing is left out, unread, and counted in Dataset.Dropped, with the
//     line of the first in DroppedLine.
//   - Feature cells are numbers, categories or missing: see Column types.
//   - Numbers and level indices go straight into the float64 matrix as rows
//     are read; no copy of the table is kept as strings, only each
//     categorical column's distinct levels.
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
// # Reading Parquet
//
// ReadFile reads a file that starts with the magic bytes "PAR1" as
// Parquet (ReadParquet), whatever its name, and refuses a file named
// .parquet that does not (or is not a regular file: Parquet is read from
// its footer, so not from a pipe). Read reads CSV only. A Parquet file
// gives exactly the Dataset of the equivalent CSV file, the table written
// with a header row and one line per row, under the same Options:
//
//   - The columns are the schema's top-level fields, in order; their
//     names follow the header's rules (unique, non-empty, UTF-8).
//   - int32, int64 (signed or unsigned), float and double columns are
//     numbers: a float widened exactly, an int64 beyond 2^53 rounded to
//     the nearest float64, as strconv.ParseFloat rounds its digits. NaN
//     and ±Inf are the cells "NaN", "+Inf" and "-Inf": missing if
//     Options.Missing lists them, else refused.
//   - String (BYTE_ARRAY, UTF8 or ENUM or plain) columns are cells, read
//     as CSV cells are: trimmed, missing if listed in Options.Missing, and
//     numeric if every other cell reads as a number, else categorical.
//   - Boolean columns are the cells "false" and "true": categorical, or
//     refused with Options.FixedKinds for a model's numeric column.
//   - A null is a missing cell, or with no Options.Missing list (no cell
//     is missing) an error, as an empty CSV cell is.
//   - Any other column (timestamps, dates, times, decimals, INT96,
//     fixed-length byte arrays, JSON, nested or repeated columns) is
//     refused, naming the column, with a hint to add it to data.ignore,
//     but only if it is used: an ignored or unused column is never read.
//   - Dataset.Lines holds each row's line in the equivalent CSV file: its
//     1-based row number + 1. Errors are positioned the same way, the
//     column being the 1-based field index; errors about the schema (a
//     column not found, of a type refused) have no line.
//
// The columns are read chunk by chunk, page by page, with
// github.com/parquet-go/parquet-go: the targets first, which decide the
// rows kept (a row whose target is missing is left out, unread), then
// the feature columns on GOMAXPROCS goroutines, a block of 64 of X's
// columns each, whose numbers are copied from the decoded pages straight
// into the float64 matrix in tiles of 32 rows (a cache-sized transpose,
// no intermediate buffer); no row is ever a map or a slice of values. The peak memory is the Dataset and a few
// pages per column being read. The limits are CSV's (MaxLevels,
// MaxClasses, MaxOneHotBytes, Options.MaxBytes, MaxTextBytes; the last
// counted per column, and checked once all are read). When a file has
// several bad cells, the error is the first by row and column among the
// targets, or else among the features, which need not be the one the CSV
// read stops at. A corrupt file (truncated, a damaged footer or page)
// is an error naming the file, never a panic: the library's panics are
// recovered. The library trusts the lengths in a file's footer and page
// headers: the footer's is checked against the file's size first, but a
// damaged page header may make it allocate up to 2 GiB before it fails.
//
// # Column types
//
// A feature column is numeric or categorical:
//
//   - numeric: every cell that is not missing is a finite number. X holds
//     the numbers, NaN for a missing cell.
//   - categorical: the column is listed in Options.Categorical (codes that
//     read as numbers: a month, a zip code, a region), or any of its cells
//     is neither a number nor missing. X holds the index of each cell's
//     level in Dataset.Levels[j] (the column's distinct levels in order of
//     first appearance), NaN for a missing cell. A column found categorical
//     at some row turns its numbers so far into levels.
//
// With Options.FixedKinds (reading for a trained model) the kinds are the
// model's: a non-number in a numeric column is an error, not a new
// categorical column. Options.Ignore names columns never read (ids, free
// text); an ignored name not in the header is an error unless
// Options.WantFeatures is set.
//
// # Levels and classes
//
// Level gives the level a cell stands for, in a categorical column and in
// a classification target alike: a cell that reads as a finite number is
// that number in its shortest form, so "1", "1.0" and "1e0" are one level,
// "1" (and "-0" is "0"); any other cell is itself, compared as trimmed
// bytes ("Yes" and "yes" are two levels).
//
// A classification target holds labels, strings or integers. The classes
// found in a file are sorted numerically if every label is a finite number
// (so "2" comes before "10"), else by bytes ("Setosa" before "setosa").
// Labels is the index of each row's class in Classes. When Options.Classes
// is given (a saved model's classes), Classes is exactly that list, in its
// order; a label not in it is an error; a model's class "1.0", written
// before labels were read as levels, still takes the cells "1" and "1.0".
// Training needs at least two classes. A row whose label is missing is
// left out and counted, as for a regression target.
//
// # Encoding
//
// FitEncoding fits an Encoding on the training split only; Apply encodes
// any Dataset read with the encoding's ReadOptions (its feature columns,
// in its order, with its categorical columns and no other). Each
// ColumnEncoding, saved in the model, says how one column becomes inputs:
//
//   - a numeric column: its value, a missing cell replaced by Impute (the
//     mean, median or zero of the training split's cells, as
//     EncodeOptions.Impute says), and with EncodeOptions.Indicator a 0/1
//     input that is 1 where the cell was missing, for a column that had
//     missing cells in training;
//   - a categorical column: a one-hot block of its Levels (sorted as
//     classes are), then MissingLevel "(missing)" if the training split had
//     missing cells, then OtherLevel "(other)" if
//     EncodeOptions.MaxCategories (N) left levels out: the N−1 most
//     frequent are kept, the rest gathered in "(other)". Encoded.Codes
//     holds the index in the block, not the block: the model adds the row
//     of its first weight matrix that the code selects.
//
// A level the encoding does not know (never seen in training, or too rare
// to keep) is coded as "(other)" if the column has it, else as no level
// at all (a block of zeros, code −1); so is a missing cell of a column
// that had none in training. Such cells are counted per column in
// Encoded.Unknown. A column all missing in the training split is an error;
// a categorical column of a single level is a warning (it carries no
// information).
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
//   - A categorical column of more than Options.MaxLevels distinct levels,
//     or MaxLevels (100,000) if that is 0 (the config sets 1000 unless
//     data.max_categories is set): almost always an id or free text read
//     by mistake. The error wraps ErrTooManyLevels and is at the row of the
//     first level too many, so Read stops there.
//   - Distinct levels and classes that are not numbers taking more than
//     MaxTextBytes (256 MiB) in all, 16 bytes a string besides its text:
//     100,000 levels of a line's length would take terabytes, which a
//     small gzip file holds. The error wraps ErrTooManyLevels too.
//
// The limits apply to the text after gzip decompression, and both paths
// enforce them alike: the fast path gives up on a line that may be too
// long, a header of too many columns or too many classes, and the slow
// path finds the row and the column.
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
// ErrTooManyFields, ErrTooManyClasses, ErrTooManyLevels,
// ErrOneHotTooLarge and ErrDataTooLarge, for errors.Is. Read never panics on bad input; the functions here panic only
// on a programmer's error, such as a matrix of the wrong shape, with a
// "data: " prefix.
//
// # Notation
//
//	n       rows (examples)
//	d       features, the columns of X (one per CSV feature column)
//	k       regression targets (columns of Y) or classes
//	level   a distinct value of a categorical column, as Level gives it
//	ψ(x)    the polynomial feature map, applied before normalization
//	x'      (x − offset)/scale, the normalized features
//
// # Normalization and feature maps
//
// FitScaler computes per-column offsets and scales from the training rows
// only (of the dense inputs: numbers and indicators, never the codes);
// Scaler.Apply then normalizes any rows the same way. A constant column
// gets scale 1, as in scikit-learn, and a warning. Both read the matrix in
// memory order, in parts on the threads gemm.Parallel shares (FitScaler a
// run of columns each, so that every column's sums keep the order of its
// rows: the bits of a loop over a column), which for the reference
// training split (48,000 × 784) takes 78 ms instead of 315 on 2 cores
// (BenchmarkFitScaler, medians of 5 on a quiet machine). Polynomial maps
// d inputs to every monomial of degree 1 to D, in scikit-learn's order,
// or with InteractionsOnly to the products of distinct inputs only.
//
// # Splits
//
// Split draws a validation part from a seeded *rand.Rand, stratified by
// class for classification, and returns sorted row indices. Partition
// then splits a table that is used no more: it copies the validation rows
// out and moves the training rows to the front of the table's own memory,
// so a fit with data.validation: 0.2 peaks at about 1.25× the table, not
// twice it.
// EmptySplitError says why a split left the validation part empty: for a
// stratified split, that the fraction is taken of each class.
package data
