#!/usr/bin/python3
"""PyTorch reference runs for the engine's parity tests (test/unit/engine/parity.test.ts).

Each case fixes a small real table (rows of wine.csv or breast-cancer-wisconsin.csv, standardized
with training statistics in numpy, rounded and cast to float32), initial weights (a model.json) and
the batch order (row order, like DataLoader(shuffle=False), last partial batch kept), trains a few
epochs in torch with the semantics docs/config.md names, and records per-step losses and pre-clip
global gradient norms, per-epoch metrics and the final weights.

Run with the system python that has torch (1.13):
    /usr/bin/python3 test/parity/generate_fixtures.py
It writes test/fixtures/parity/<case>.json (kept small: a few KB each).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'media', 'datasets')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'parity')

torch.set_num_threads(1)


def load(name, features, train_rows, val_rows, seed):
    """Rows picked by a fixed permutation, numeric features (the first `features` columns), label last."""
    with open(os.path.join(DATASETS, name + '.csv')) as f:
        lines = f.read().strip().splitlines()
    rows = [line.split(',') for line in lines[1:]]
    classes = sorted(set(r[-1] for r in rows))
    x = np.array([[float(v) for v in r[:features]] for r in rows], dtype=np.float64)
    y = np.array([classes.index(r[-1]) for r in rows], dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(rows))
    tr, va = order[:train_rows], order[train_rows:train_rows + val_rows]
    mean, std = x[tr].mean(0), x[tr].std(0)
    std[std == 0] = 1
    z = np.round((x - mean) / std, 5)
    return classes, z[tr], y[tr], z[va], y[va]


def make_model(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append({
                'relu': nn.ReLU(), 'leaky-relu': nn.LeakyReLU(), 'tanh': nn.Tanh(), 'sigmoid': nn.Sigmoid(),
                'gelu': nn.GELU(), 'linear': nn.Identity(),
            }[activation])
    return nn.Sequential(*layers)


def linears(model):
    return [m for m in model if isinstance(m, nn.Linear)]


def init_weights(model, seed):
    """He-normal weights and small random biases, rounded to 6 decimals so JSON carries them exactly."""
    rng = np.random.default_rng(seed)
    for lin in linears(model):
        fan_in = lin.weight.shape[1]
        w = np.round(rng.normal(0, math.sqrt(2 / fan_in), lin.weight.shape), 6)
        b = np.round(rng.normal(0, 0.1, lin.bias.shape), 6)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(w, dtype=torch.float32))
            lin.bias.copy_(torch.tensor(b, dtype=torch.float32))


def f32(v):
    return float('%.9g' % float(v))


def model_json(model, classes, output, activation, input_size):
    lins = linears(model)
    return {
        'format': 'loss-lens-model/1',
        'inputSize': input_size,
        'classes': classes,
        'output': output,
        'layers': [
            {
                'weight': [[f32(v) for v in row] for row in lin.weight.detach().numpy()],
                'bias': [f32(v) for v in lin.bias.detach().numpy()],
                'activation': output if i == len(lins) - 1 else activation,
            }
            for i, lin in enumerate(lins)
        ],
    }


def criterion(logits, y, output, n_classes, weights, smoothing):
    """The documented criterion (docs/config.md): torch CrossEntropyLoss (weight, label_smoothing, mean) for softmax;
    BCE-with-logits with the weighted mean sum(w_y * l) / sum(w_y) for sigmoid."""
    if output == 'softmax':
        w = None if weights is None else torch.tensor(weights, dtype=torch.float32)
        return nn.CrossEntropyLoss(weight=w, label_smoothing=smoothing, reduction='mean')(logits, y)
    target = y.to(torch.float32)
    per_row = F.binary_cross_entropy_with_logits(logits[:, 0], target, reduction='none')
    if weights is None:
        return per_row.mean()
    wy = torch.tensor(weights, dtype=torch.float32)[y]
    return (wy * per_row).sum() / wy.sum()


def correct(logits, y, output):
    pred = (logits[:, 0] > 0).long() if output == 'sigmoid' else logits.argmax(1)
    return int((pred == y).sum())


def resolve_weights(setting, classes, y_train):
    if setting == 'none':
        return None
    if setting == 'balanced':  # sklearn compute_class_weight('balanced')
        counts = np.bincount(y_train, minlength=len(classes))
        return [len(y_train) / (len(classes) * c) for c in counts]
    return [float(setting.get(c, 1.0)) for c in classes]


def run_case(name, dataset, features=13, train_rows=40, val_rows=20, hidden=(8,), activation='relu',
             optimizer=None, loss=None, regularization=None, epochs=3, batch_size=16, clip=None, seed=0):
    optimizer = {'type': 'adam', 'learningRate': 0.01, **(optimizer or {})}
    loss = {'labelSmoothing': 0.0, 'classWeights': 'none', **(loss or {})}
    regularization = {'l1': 0.0, 'l2': 0.0, **(regularization or {})}
    classes, xtr, ytr, xva, yva = load(dataset, features, train_rows, val_rows, seed)
    output = 'sigmoid' if len(classes) == 2 else 'softmax'
    outputs = 1 if output == 'sigmoid' else len(classes)
    model = make_model([features, *hidden, outputs], activation)
    init_weights(model, seed + 1)
    initial = model_json(model, classes, output, activation, features)
    weights = resolve_weights(loss['classWeights'], classes, ytr)

    params = list(model.parameters())
    lr = optimizer['learningRate']
    kind = optimizer['type']
    if kind == 'sgd':
        opt = torch.optim.SGD(params, lr=lr, momentum=optimizer.get('momentum', 0.0), weight_decay=optimizer.get('weightDecay', 0.0))
    elif kind == 'adam':
        opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=optimizer.get('weightDecay', 0.0))
    else:
        opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=optimizer.get('weightDecay', 0.01))
    weight_params = [lin.weight for lin in linears(model)]

    Xtr, Ytr = torch.tensor(xtr, dtype=torch.float32), torch.tensor(ytr)
    Xva, Yva = torch.tensor(xva, dtype=torch.float32), torch.tensor(yva)
    steps, epoch_records = [], []
    for epoch in range(1, epochs + 1):
        model.train()
        losses, norms, right = [], [], 0
        for start in range(0, train_rows, batch_size):
            xb, yb = Xtr[start:start + batch_size], Ytr[start:start + batch_size]
            opt.zero_grad()
            logits = model(xb)
            data_loss = criterion(logits, yb, output, len(classes), weights, loss['labelSmoothing'])
            penalty = sum(regularization['l1'] * w.abs().sum() + regularization['l2'] * (w * w).sum() for w in weight_params)
            (data_loss + penalty).backward()
            if clip is not None:
                norm = torch.nn.utils.clip_grad_norm_(params, clip)
            else:
                norm = torch.norm(torch.stack([p.grad.detach().norm(2) for p in params]), 2)
            opt.step()
            steps.append({'loss': f32(data_loss.item()), 'gradNorm': f32(norm.item())})
            losses.append(data_loss.item())
            norms.append(norm.item())
            right += correct(logits.detach(), yb, output)
        model.eval()
        with torch.no_grad():
            val_logits = model(Xva)
            val_loss = criterion(val_logits, Yva, output, len(classes), weights, loss['labelSmoothing']).item()
            val_right = correct(val_logits, Yva, output)
        epoch_records.append({
            'epoch': epoch,
            'trainLoss': f32(np.mean(losses)),
            'valLoss': f32(val_loss),
            'trainAccuracy': right / train_rows,
            'valAccuracy': val_right / val_rows,
            'gradNorm': f32(np.mean(norms)),
        })
    final = model_json(model, classes, output, activation, features)
    fixture = {
        'name': name,
        'generator': 'test/parity/generate_fixtures.py (torch %s)' % torch.__version__,
        'dataset': dataset,
        'classes': classes,
        'config': {
            'model': {'hidden': list(hidden), 'activation': activation, 'output': output},
            'optimizer': optimizer,
            'loss': loss,
            'regularization': regularization,
            'training': {'epochs': epochs, 'batchSize': batch_size, 'gradientClip': clip},
        },
        'train': {'x': xtr.tolist(), 'y': ytr.tolist()},
        'validation': {'x': xva.tolist(), 'y': yva.tolist()},
        'initialModel': initial,
        'steps': steps,
        'epochs': epoch_records,
        'finalLayers': [{'weight': l['weight'], 'bias': l['bias']} for l in final['layers']],
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print('%-28s %d steps, final val loss %.6f' % (name, len(steps), val_loss))


WINE = dict(dataset='wine', features=13)
CANCER = dict(dataset='breast-cancer-wisconsin', features=10)

CASES = {
    'sgd': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.1}),
    'sgd-momentum': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.05, 'momentum': 0.9}),
    'adam': dict(**WINE, optimizer={'type': 'adam', 'learningRate': 0.01}),
    'adamw': dict(**WINE, optimizer={'type': 'adamw', 'learningRate': 0.01, 'weightDecay': 0.1}),
    'l1': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.05, 'momentum': 0.9}, regularization={'l1': 0.01}),
    'l2': dict(**WINE, regularization={'l2': 0.01}),
    'l1-l2-adam': dict(**WINE, regularization={'l1': 0.002, 'l2': 0.005}),
    'label-smoothing': dict(**WINE, loss={'labelSmoothing': 0.1}),
    'class-weights': dict(**WINE, loss={'classWeights': {'class_0': 0.5, 'class_1': 2.0, 'class_2': 1.5}}),
    'class-weights-smoothing': dict(**WINE, loss={'classWeights': {'class_0': 0.5, 'class_1': 2.0}, 'labelSmoothing': 0.2}),
    'class-weights-balanced': dict(**WINE, loss={'classWeights': 'balanced'}, optimizer={'type': 'sgd', 'learningRate': 0.1}),
    'sigmoid': dict(**CANCER, optimizer={'type': 'adam', 'learningRate': 0.01}),
    'sigmoid-sgd': dict(**CANCER, optimizer={'type': 'sgd', 'learningRate': 0.1, 'momentum': 0.5}),
    'sigmoid-class-weights': dict(**CANCER, loss={'classWeights': {'benign': 0.6, 'malignant': 2.5}}),
    'sigmoid-balanced-l2': dict(**CANCER, loss={'classWeights': 'balanced'}, regularization={'l2': 0.01}),
    'clip-sgd': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.1}, clip=0.5),
    'clip-adam': dict(**CANCER, clip=0.3),
    'tanh': dict(**WINE, activation='tanh'),
    'sigmoid-activation': dict(**WINE, activation='sigmoid', optimizer={'type': 'sgd', 'learningRate': 0.5}),
    'gelu': dict(**WINE, activation='gelu'),
    'leaky-relu': dict(**WINE, activation='leaky-relu', optimizer={'type': 'sgd', 'learningRate': 0.1, 'momentum': 0.9}),
    'linear': dict(**WINE, activation='linear', optimizer={'type': 'sgd', 'learningRate': 0.05}),
    'adam-coupled-weight-decay': dict(**WINE, optimizer={'type': 'adam', 'learningRate': 0.01, 'weightDecay': 0.05}),
    'sgd-weight-decay': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.1, 'momentum': 0.9, 'weightDecay': 0.01}),
    'clip-l1-l2-momentum': dict(**WINE, optimizer={'type': 'sgd', 'learningRate': 0.05, 'momentum': 0.9}, regularization={'l1': 0.02, 'l2': 0.05}, clip=0.4),
    'full-batch': dict(**CANCER, batch_size=64, epochs=5, optimizer={'type': 'adamw', 'learningRate': 0.02}),
    'multi-epoch-partial-batch': dict(**WINE, hidden=(8, 6), epochs=6, batch_size=12, optimizer={'type': 'adam', 'learningRate': 0.005}),
}

if __name__ == '__main__':
    for name, spec in CASES.items():
        run_case(name, **spec)
