package train

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/layers"
	"gonum.org/v1/gonum/mat"
)

// Target normalization (data.normalize_target: standardize). The network
// is trained on the targets t' = (t − mean)/std of the training split, so
// that a target in thousands does not make the squared error's gradients
// thousands of times larger than its inputs'. Its output layer is linear
// (identity), so once trained the scaling is folded into that layer:
// W[:, j] ← std_j · W[:, j], b_j ← std_j · b_j + mean_j. The saved model
// then predicts in the original units, and so do its metrics, pictures and
// predictions; only the losses of metrics.csv and loss.png, the objective
// the optimizer saw, are in standardized units.

// scaleTargets standardizes the regression targets of p's training and
// validation sets in place, if the config asks for it, and keeps the
// scaling in p.TargetScale.
func (p *Problem) scaleTargets() error {
	cfg := p.Config
	if cfg.Data.NormalizeTarget != data.Standardize {
		return nil
	}
	last := cfg.Model.Layers[len(cfg.Model.Layers)-1]
	switch {
	case Classify(cfg.Model.Loss):
		return &inputerr.Error{File: cfg.File, Key: "data.normalize_target",
			Err:  fmt.Errorf("standardizes regression targets, but loss %s is a classification loss", cfg.Model.Loss),
			Hint: "use normalize_target: none for a classifier"}
	case last.Activation != "identity":
		return &inputerr.Error{File: cfg.File, Key: "data.normalize_target",
			Err:  fmt.Errorf("needs an identity output layer, got %s", last.Activation),
			Hint: "use activation: identity in the output layer (a bounded output cannot be unscaled), or normalize_target: none"}
	}
	s, _, err := data.FitScaler(data.Standardize, p.Train.Y, p.Train.TargetNames)
	if err != nil {
		return placeErr(err, cfg.Data.Train)
	}
	s.Apply(p.Train.Y, p.Train.Y)
	if p.Val != nil {
		s.Apply(p.Val.Y, p.Val.Y)
	}
	p.TargetScale = s
	return nil
}

// unscaleTargets folds p.TargetScale into m's output layer and gives p's
// training and validation sets their targets in the original units back,
// so that the model predicts, and is scored, in those units. It does
// nothing without a TargetScale. A float32 model whose folded layer
// leaves float32's range is an input error.
func (p *Problem) unscaleTargets(m *layers.Model) error {
	s := p.TargetScale
	if s == nil {
		return nil
	}
	out := m.Layers[len(m.Layers)-1]
	d, k := out.W.Dims()
	for j := range k {
		for i := range d {
			out.W.Set(i, j, out.W.At(i, j)*s.Scale[j])
		}
		out.B.Set(0, j, out.B.At(0, j)*s.Scale[j]+s.Offset[j])
	}
	if m.Float32 {
		if err := float32Range(m); err != nil {
			return &inputerr.Error{File: p.Config.Data.Train, Key: "data.normalize_target",
				Err:  fmt.Errorf("folding the targets' scale into the output layer: %w", err),
				Hint: "use train.precision: float64 for targets of this size"}
		}
		m.Round32() // the folded layer is float32 too, in the twins the nets use
	}
	for _, ds := range []*data.Dataset{p.Train, p.Val} {
		if ds != nil {
			unscale(ds.Y, s)
		}
	}
	p.TargetScale = nil
	return nil
}

// unscale maps standardized values y back: y·Scale + Offset, in place.
func unscale(y *mat.Dense, s *data.Scaler) {
	n, k := y.Dims()
	for i := range n {
		row := y.RawRowView(i)
		for j := range k {
			row[j] = row[j]*s.Scale[j] + s.Offset[j]
		}
	}
}
