package config_test

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/config"
)

func ExampleParse() {
	file := []byte(`data:
  train: datasets/xor.csv
  target: y
model:
  layers:
    - {units: 4, activation: tanh}
    - {activation: sigmoid}
  loss: binary_cross_entropy
train:
  epochs: 100
`)
	env := func(name string) (string, bool) {
		if name == "MLPTRAIN_TRAIN_EPOCHS" {
			return "300", true
		}
		return "", false
	}
	flags := []config.Override{{Key: "train.seed", Value: "7", Source: "--seed"}}
	c, err := config.Parse(file, "configs/xor.yaml", flags, env)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Name, c.Output.Dir, c.Train.Epochs, c.Train.Seed, c.Model.Layers[1].Activation)

	_, err = config.Parse([]byte("train:\n  learning_rat: 0.1\n"), "configs/xor.yaml", nil, env)
	fmt.Println(err)
	_, err = config.Parse(file, "configs/xor.yaml", []config.Override{{Key: "train.epochs", Value: "ten", Source: "--epochs"}}, env)
	fmt.Println(err)
	// Output:
	// xor runs/xor 300 7 logistic
	// configs/xor.yaml:2:3: train.learning_rat: unknown key (hint: did you mean "learning_rate"?)
	// --epochs: expected a whole number, got "ten" (hint: write a whole number such as 200)
}

func ExampleConfig_YAML() {
	c, err := config.Parse([]byte("data: {train: a.csv, target: y}\nmodel: {layers: [{activation: softmax}]}\n"), "a.yaml", nil,
		func(string) (string, bool) { return "", false })
	if err != nil {
		fmt.Println(err)
		return
	}
	y, _ := c.YAML()
	fmt.Print(string(y))
	// Output:
	// data:
	//   train: a.csv
	//   validation: "0.2"
	//   test: ""
	//   target: "y"
	//   features: []
	//   delimiter: ','
	//   normalize: standardize
	//   feature_map:
	//     polynomial: 1
	//     interactions_only: false
	//   ignore: []
	//   categorical: []
	//   missing:
	//     - ""
	//     - NA
	//     - N/A
	//     - NaN
	//     - nan
	//     - "null"
	//     - "NULL"
	//     - '?'
	//   impute: mean
	//   missing_indicator: false
	//   max_categories: 0
	//   normalize_target: none
	//   decimal: .
	//   shuffle_buffer: 65536
	// model:
	//   layers:
	//     - activation: softmax
	//   loss: cross_entropy
	//   init: xavier
	//   weights: ""
	// train:
	//   optimizer: sgd
	//   learning_rate: 0.05
	//   momentum: 0.9
	//   batch_size: 32
	//   epochs: 200
	//   l2: 0
	//   weight_decay: 0
	//   clip_norm: 0
	//   precision: float64
	//   class_weight: none
	//   seed: 1
	//   early_stopping:
	//     patience: 0
	//     metric: val_loss
	//     min_delta: 0
	//   schedule:
	//     kind: constant
	//   threads: 0
	//   checkpoint_every: 1
	// output:
	//   dir: runs/a
}
