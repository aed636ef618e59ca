#!/usr/bin/env python3
"""Trains the project's subword tokenizer (models/tokenizer.json): WordPiece over ICD-10-CM descriptions and
inclusion terms and the training notes, lower-cased and accent-stripped like the engine's text stage.

usage: training/tokenizer.py DATA_XML TRAIN_TEXT_DIR OUT_JSON
The corpus is read in sorted order and the subwords are numbered in sorted order, but the trainer breaks
frequency ties in hash order: two runs can differ in a subword or two. `make tokenizer` runs this; `make model`
keeps the committed tokenizer so that retraining the scorer is reproducible."""
import os
import sys
import xml.etree.ElementTree as ET

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

VOCAB_SIZE = 8000


def corpus(xml_path, text_dir):
    root = ET.parse(xml_path).getroot()
    for diag in root.iter("diag"):
        yield diag.find("desc").text or ""
        for term in diag.iter("inclusionTerm"):
            for note in term.findall("note"):
                yield note.text or ""
    for name in sorted(os.listdir(text_dir)):
        with open(os.path.join(text_dir, name), encoding="utf-8") as f:
            yield f.read()


def main():
    xml_path, text_dir, out = sys.argv[1:4]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=["[PAD]", "[UNK]"], show_progress=False)
    tok.train_from_iterator(corpus(xml_path, text_dir), trainer=trainer)
    # The trainer numbers subwords in hash order, which changes from run to run; renumber them in a fixed order
    # (the special tokens, then the subwords sorted) so that retraining on the same data gives the same file.
    specials = ["[PAD]", "[UNK]"]
    ordered = specials + sorted(t for t in tok.get_vocab() if t not in specials)
    tok.model = models.WordPiece({t: i for i, t in enumerate(ordered)}, unk_token="[UNK]", max_input_chars_per_word=100)
    assert tok.token_to_id("[PAD]") == 0 and tok.token_to_id("[UNK]") == 1
    tok.save(out)
    print(f"{out}: {tok.get_vocab_size()} subwords")


if __name__ == "__main__":
    main()
