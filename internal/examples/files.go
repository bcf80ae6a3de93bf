package examples

// File is one generated dataset: its name in datasets/ and its contents.
type File struct {
	Name string
	Data []byte
}

// The generators' settings for the shipped files. Changing one changes the
// files in datasets/ and the numbers in docs/tutorial.md.
const (
	// seed seeds every generated file; each file has its own stream.
	seed = 1
	// sineSD is the standard deviation of the sine's noise (Bishop's 0.3).
	sineSD = 0.3
	// sineTrain and sineVal are the sizes of the sine's training and
	// validation files.
	sineTrain, sineVal = 10, 100
	// blobsTrain and blobsVal are the sizes of the universality example's
	// training and validation files; blobsM and blobsSD place its classes
	// (the best boundary misses Φ(−√2·0.5/0.8) ≈ 19% of new points).
	blobsTrain, blobsVal = 30, 500
	blobsM, blobsSD      = 0.5, 0.8
)

// Files returns the shipped datasets, in the order gendata writes them:
// xor.csv, patterns.csv, sine10_train.csv, sine10_val.csv,
// universality_train.csv, universality_val.csv and logistic_unit.csv. The
// same call gives the same bytes.
func Files() []File {
	patterns, err := Translations(PatternA, PatternB)
	if err != nil {
		panic("examples: " + err.Error()) // PatternA and PatternB are constants
	}
	return []File{
		{"xor.csv", XOR().CSV()},
		{"patterns.csv", patterns.CSV()},
		{"sine10_train.csv", Sine(sineTrain, true, sineSD, seed, 1).CSV()},
		{"sine10_val.csv", Sine(sineVal, false, sineSD, seed, 2).CSV()},
		{"universality_train.csv", Blobs(blobsTrain, blobsM, blobsSD, seed, 3).CSV()},
		{"universality_val.csv", Blobs(blobsVal, blobsM, blobsSD, seed, 4).CSV()},
		{"logistic_unit.csv", Walkthrough().CSV()},
	}
}
