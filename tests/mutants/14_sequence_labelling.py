"""Known-wrong answers for chapter 14 (sequence labelling, BERT-style); every one must fail."""

from course_utils.instructor.mutants import variant

_LABELS = """
WORD_RE = re.compile(PATTERN)


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        MARK
        letters = [c for c in word if c.isalpha()]
        if UPPER:
            case = 2
        elif CAP:
            case = 1
        else:
            case = 0
        words.append(word.lower())
        labels.append((case, mark))
    return words, labels
"""
_LABELS_OK = {
    "PATTERN": 'r"[^\\W_]+(?:\'[^\\W_]+)*"',
    "MARK": "mark = next((MARK_OF[c] for c in gap if c in MARK_OF), 0)",
    "UPPER": "len(letters) >= 2 and all(c.isupper() for c in letters)",
    "CAP": "word[0].isupper()",
}

_BPE = """
def merge_pair(symbols, pair):
    MERGE_BODY


def train_bpe(words, n_merges):
    PREPARE
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in RANGE:
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += WEIGHT
        if not pairs:
            break
        best = BEST
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in ORDER:
        symbols = merge_pair(symbols, pair)
    return symbols
"""
_MERGE_OK = """merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged"""
_BPE_OK = {
    "MERGE_BODY": _MERGE_OK,
    "PREPARE": "",
    "RANGE": "range(n_merges)",
    "WEIGHT": "count",
    "BEST": "min(pairs, key=lambda pair: (-pairs[pair], pair))",
    "ORDER": "merges",
}

_ALIGN = """
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if SKIP:
            token_labels.append(NONE_LABEL)
        else:
            token_labels.append(LABEL)
        previous = word_id
    return RESULT
"""
_ALIGN_OK = {
    "SKIP": "word_id is None or word_id == previous",
    "NONE_LABEL": "-100",
    "LABEL": "word_labels[word_id]",
    "RESULT": "token_labels",
}

_PAD = """
def pad_batch(sequences, labels, pad_id):
    SHORTCUT
    batch = len(sequences)
    longest = LONGEST
    dev = DEVICE
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), LABEL_PAD, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = MASK
    return ids, padded, attention_mask
"""
_PAD_OK = {
    "SHORTCUT": "",
    "LONGEST": "max(len(seq) for seq in sequences)",
    "DEVICE": "sequences[0].device",
    "LABEL_PAD": "-100",
    "MASK": "torch.arange(longest, device=dev)[None, :] < lengths[:, None]",
}

_LOSS = """
def token_classification_loss(logits, labels):
    flat_logits = FLAT_LOGITS
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        EMPTY
    return LOSS
"""
_LOSS_OK = {
    "FLAT_LOGITS": "logits.reshape(-1, logits.shape[-1])",
    "EMPTY": "return flat_logits.sum() * 0.0",
    "LOSS": "F.cross_entropy(flat_logits, flat_labels, ignore_index=-100)",
}

_MASK = """
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    DRAWS
    selected = SELECTED
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    INPUTS
    return inputs, LABELS
"""
_MASK_OK = {
    "DRAWS": """u = torch.rand(ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)""",
    "SELECTED": "(u < p) & attention_mask",
    "INPUTS": """inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)""",
    "LABELS": "labels",
}

_METRICS = """
def per_class_prf(pred, gold, n_classes, ignore=-100):
    KEEP
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, MINLENGTH).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    PR
    total = precision + recall
    F1
    return RETURN


def span_f1(pred_spans, gold_spans):
    predicted, gold = SETS
    if not predicted and not gold:
        return EMPTY
    return 2 * len(MATCHED) / (len(predicted) + len(gold))
"""
_METRICS_OK = {
    "KEEP": "keep = gold != ignore",
    "MINLENGTH": "minlength=n_classes",
    "PR": """precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)""",
    "F1": "f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)",
    "RETURN": "precision, recall, f1",
    "SETS": "set(pred_spans), set(gold_spans)",
    "EMPTY": "0.0",
    "MATCHED": "predicted & gold",
}



def _labels(**changes: str) -> str:
    return variant(_LABELS, _LABELS_OK, **changes)


def _bpe(**changes: str) -> str:
    return variant(_BPE, _BPE_OK, **changes)


def _align(**changes: str) -> str:
    return variant(_ALIGN, _ALIGN_OK, **changes)


def _pad(**changes: str) -> str:
    return variant(_PAD, _PAD_OK, **changes)


def _loss(**changes: str) -> str:
    return variant(_LOSS, _LOSS_OK, **changes)


def _mask(**changes: str) -> str:
    return variant(_MASK, _MASK_OK, **changes)


def _metrics(**changes: str) -> str:
    return variant(_METRICS, _METRICS_OK, **changes)


MUTANTS = {
    "make_labels": [
        ("UPPER by str.isupper(): 'I' and 'A' become UPPER", _labels(UPPER="word.isupper()")),
        ("title case by str.istitle(): O'er is not Cap", _labels(CAP="word.istitle()")),
        (
            "words without inner apostrophes: king's splits into king + s",
            _labels(PATTERN='r"[^\\W_]+"'),
        ),
        ("\\w keeps underscores inside words", _labels(PATTERN='r"\\w+(?:\'\\w+)*"')),
        (
            "the mark is only the character right after the word",
            _labels(MARK="mark = MARK_OF.get(gap[:1], 0)"),
        ),
        (
            "the mark is the last one in the gap (What?! gives a period)",
            _labels(MARK="mark = next((MARK_OF[c] for c in reversed(gap) if c in MARK_OF), 0)"),
        ),
        (
            "words from str.split() with punctuation stripped at the ends",
            """
WORD_RE = re.compile(r"[^\\W_]+(?:'[^\\W_]+)*")


def make_labels(text):
    words, labels = [], []
    for token in text.split():
        word = token.strip(".,;:!?()'\\"-_")
        if not word:
            continue
        tail = token[len(token.rstrip(".,;:!?()'\\"-")):]
        mark = next((MARK_OF[c] for c in tail if c in MARK_OF), 0)
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            case = 2
        elif word[0].isupper():
            case = 1
        else:
            case = 0
        words.append(word.lower())
        labels.append((case, mark))
    return words, labels
""",
        ),
    ],
    "bpe": [
        (
            "ties broken by the first pair seen (Counter order), not the smallest",
            _bpe(BEST="max(pairs, key=pairs.get)"),
        ),
        ("counts each distinct word once (no frequency weighting)", _bpe(WEIGHT="1")),
        (
            "pairs counted across word boundaries (the words joined into one string)",
            _bpe(PREPARE='words = ["".join(words)]'),
        ),
        ("one merge too few (off-by-one)", _bpe(RANGE="range(n_merges - 1)")),
        ("always at least one merge, even for n_merges=0", _bpe(RANGE="range(max(1, n_merges))")),
        (
            "sorts the caller's list in place",
            _bpe(PREPARE="words.sort()"),
        ),
        (
            "merges right to left ('aaa' -> 'a', 'aa')",
            _bpe(
                MERGE_BODY="""merged, i = [], len(symbols) - 1
    while i >= 0:
        if i - 1 >= 0 and (symbols[i - 1], symbols[i]) == pair:
            merged.insert(0, symbols[i - 1] + symbols[i])
            i -= 2
        else:
            merged.insert(0, symbols[i])
            i -= 1
    return merged"""
            ),
        ),
        (
            "merges only the first occurrence of a pair",
            _bpe(
                MERGE_BODY="""for i in range(len(symbols) - 1):
        if (symbols[i], symbols[i + 1]) == pair:
            return symbols[:i] + [symbols[i] + symbols[i + 1]] + symbols[i + 2 :]
    return list(symbols)"""
            ),
        ),
        ("encode_word applies the merges in alphabetical order", _bpe(ORDER="sorted(merges)")),
    ],
    "align_labels": [
        ("labels every sub-word with its word's label", _align(SKIP="word_id is None")),
        (
            "None positions labelled 0",
            _align(NONE_LABEL="0 if word_id is None else -100"),
        ),
        (
            "tests word ids by truthiness: word 0 is treated as special",
            _align(SKIP="not word_id or word_id == previous"),
        ),
        (
            "indexes word_labels by the token position",
            _align(LABEL="word_labels[min(position, len(word_labels) - 1)]"),
        ),
        (
            "labels the last sub-word of each word instead of the first",
            """
def align_labels(word_ids, word_labels):
    out = []
    for i, word_id in enumerate(word_ids):
        nxt = word_ids[i + 1] if i + 1 < len(word_ids) else None
        if word_id is None or word_id == nxt:
            out.append(-100)
        else:
            out.append(word_labels[word_id])
    return out
""",
        ),
        (
            "reuses word_labels as the output list when there is one token per word",
            _align(
                RESULT="(word_labels if list(word_ids) == list(range(len(word_labels))) "
                "else token_labels)"
            ),
        ),
    ],
    "pad_batch": [
        ("pads the labels with pad_id instead of -100", _pad(LABEL_PAD="pad_id")),
        (
            "attention mask True on padding",
            _pad(MASK="torch.arange(longest, device=dev)[None, :] >= lengths[:, None]"),
        ),
        (
            "attention mask as 0/1 int64",
            _pad(MASK="(torch.arange(longest, device=dev)[None, :] < lengths[:, None]).long()"),
        ),
        ("pads to the first sequence's length", _pad(LONGEST="len(sequences[0])")),
        ("creates the outputs on the CPU whatever the input device", _pad(DEVICE='"cpu"')),
        (
            "returns views of the input for a batch of one",
            _pad(
                SHORTCUT="if len(sequences) == 1:\n        return sequences[0][None], labels[0][None], "
                "torch.ones(1, len(sequences[0]), dtype=torch.bool, device=sequences[0].device)"
            ),
        ),
        (
            "pad_sequence without batch_first: shape (T, B)",
            """
def pad_batch(sequences, labels, pad_id):
    ids = nn.utils.rnn.pad_sequence(sequences, padding_value=pad_id)
    lab = nn.utils.rnn.pad_sequence(labels, padding_value=-100)
    return ids, lab, ids != pad_id
""",
        ),
    ],
    "token_loss": [
        (
            "padding counted: -100 replaced by class 0",
            _loss(LOSS="F.cross_entropy(flat_logits, flat_labels.clamp(min=0))"),
        ),
        (
            "sums over the labelled positions and divides by all positions",
            _loss(
                LOSS="F.cross_entropy(flat_logits, flat_labels, ignore_index=-100, "
                'reduction="sum") / flat_labels.numel()'
            ),
        ),
        (
            "flattens the logits time-major but the labels batch-major",
            _loss(FLAT_LOGITS="logits.transpose(0, 1).reshape(-1, logits.shape[-1])"),
        ),
        ("no special case: nan when nothing is labelled", _loss(EMPTY="pass")),
        (
            "returns a constant zero that backward cannot go through",
            _loss(EMPTY="return torch.tensor(0.0)"),
        ),
        (
            "mean of per-sequence means",
            """
def token_classification_loss(logits, labels):
    per_seq = []
    for b in range(logits.shape[0]):
        if bool((labels[b] != -100).any()):
            per_seq.append(F.cross_entropy(logits[b], labels[b], ignore_index=-100))
    if not per_seq:
        return logits.sum() * 0.0
    return torch.stack(per_seq).mean()
""",
        ),
        (
            "ignore_index=0 (the pad id) instead of -100",
            _loss(LOSS="F.cross_entropy(flat_logits, flat_labels.clamp(min=0), ignore_index=0)"),
        ),
    ],
    "mask_tokens": [
        ("padding can be selected", _mask(SELECTED="u < p")),
        (
            "masks ids in place and returns them",
            _mask(
                INPUTS="""ids[selected & (v < 0.8)] = mask_id
    keep = selected & (v >= 0.8) & (v < 0.9)
    ids[keep] = r[keep]
    inputs = ids"""
            ),
        ),
        ("labels are the corrupted inputs", _mask(LABELS="torch.where(selected, inputs, -100)")),
        (
            "10% [MASK], 80% random (thresholds swapped)",
            _mask(
                INPUTS="""inputs = torch.where(selected & (v < 0.1), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.1) & (v < 0.9), r, inputs)"""
            ),
        ),
        (
            "draws on the CPU and never moves to ids.device",
            _mask(
                DRAWS="""u = torch.rand(ids.shape, generator=generator)
    v = torch.rand(ids.shape, generator=generator)
    r = torch.randint(vocab_size, ids.shape, generator=generator)"""
            ),
        ),
        (
            "draws r before v",
            _mask(
                DRAWS="""u = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)"""
            ),
        ),
        (
            "uses torch's global RNG instead of the generator",
            _mask(
                DRAWS="""u = torch.rand(ids.shape).to(ids.device)
    v = torch.rand(ids.shape).to(ids.device)
    r = torch.randint(vocab_size, ids.shape).to(ids.device)"""
            ),
        ),
    ],
    "metrics": [
        (
            "0/0 gives nan",
            _metrics(
                PR="precision = tp / n_pred\n    recall = tp / n_gold",
                F1="f1 = 2 * precision * recall / total",
            ),
        ),
        (
            "counts -100 positions as class 0",
            _metrics(
                KEEP="keep = gold != ignore\n    gold = gold.clamp(min=0)\n    keep = torch.ones_like(keep)"
            ),
        ),
        ("precision and recall swapped", _metrics(RETURN="recall, precision, f1")),
        ("bincount without minlength: shape depends on the predictions", _metrics(MINLENGTH="")),
        (
            "span F1 over lists: repeated spans count twice",
            _metrics(
                SETS="list(pred_spans), list(gold_spans)",
                MATCHED="[s for s in predicted if s in gold]",
            ),
        ),
        (
            "a span matches on its start only",
            _metrics(MATCHED="{s[:2] for s in predicted} & {s[:2] for s in gold}"),
        ),
        ("both empty gives 1.0", _metrics(EMPTY="1.0")),
    ],
}
