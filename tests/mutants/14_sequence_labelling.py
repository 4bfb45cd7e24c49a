"""Known-wrong answers for chapter 14 (sequence labelling, BERT-style); every one must fail."""

# ruff: noqa: W293 - whitespace inside the recorded sources is part of them

MUTANTS = {
    'make_labels': [
        ("UPPER by str.isupper(): 'I' and 'A' become UPPER", r'''
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = next((MARK_OF[c] for c in gap if c in MARK_OF), 0)
        letters = [c for c in word if c.isalpha()]
        if word.isupper():
            case = 2
        elif word[0].isupper():
            case = 1
        else:
            case = 0
        words.append(word.lower())
        labels.append((case, mark))
    return words, labels
'''),
        ("title case by str.istitle(): O'er is not Cap", r'''
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = next((MARK_OF[c] for c in gap if c in MARK_OF), 0)
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            case = 2
        elif word.istitle():
            case = 1
        else:
            case = 0
        words.append(word.lower())
        labels.append((case, mark))
    return words, labels
'''),
        ("words without inner apostrophes: king's splits into king + s", r'''
WORD_RE = re.compile(r"[^\W_]+")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = next((MARK_OF[c] for c in gap if c in MARK_OF), 0)
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
'''),
        ('\\w keeps underscores inside words', r'''
WORD_RE = re.compile(r"\w+(?:'\w+)*")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = next((MARK_OF[c] for c in gap if c in MARK_OF), 0)
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
'''),
        ('the mark is only the character right after the word', r'''
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = MARK_OF.get(gap[:1], 0)
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
'''),
        ('the mark is the last one in the gap (What?! gives a period)', r'''
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def make_labels(text):
    matches = list(WORD_RE.finditer(text))
    words, labels = [], []
    for i, match in enumerate(matches):
        word = match.group()
        gap_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        mark = next((MARK_OF[c] for c in reversed(gap) if c in MARK_OF), 0)
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
'''),
        ('words from str.split() with punctuation stripped at the ends', r'''
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def make_labels(text):
    words, labels = [], []
    for token in text.split():
        word = token.strip(".,;:!?()'\"-_")
        if not word:
            continue
        tail = token[len(token.rstrip(".,;:!?()'\"-")):]
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
'''),
    ],
    'bpe': [
        ('ties broken by the first pair seen (Counter order), not the smallest', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('counts each distinct word once (no frequency weighting)', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += 1
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('pairs counted across word boundaries (the words joined into one string)', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    words = ["".join(words)]
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('one merge too few (off-by-one)', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges - 1):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('always at least one merge, even for n_merges=0', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(max(1, n_merges)):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ("sorts the caller's list in place", '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    words.sort()
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ("merges right to left ('aaa' -> 'a', 'aa')", '''
def merge_pair(symbols, pair):
    merged, i = [], len(symbols) - 1
    while i >= 0:
        if i - 1 >= 0 and (symbols[i - 1], symbols[i]) == pair:
            merged.insert(0, symbols[i - 1] + symbols[i])
            i -= 2
        else:
            merged.insert(0, symbols[i])
            i -= 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('merges only the first occurrence of a pair', '''
def merge_pair(symbols, pair):
    for i in range(len(symbols) - 1):
        if (symbols[i], symbols[i + 1]) == pair:
            return symbols[:i] + [symbols[i] + symbols[i + 1]] + symbols[i + 2 :]
    return list(symbols)


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
        ('encode_word applies the merges in alphabetical order', '''
def merge_pair(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def train_bpe(words, n_merges):
    
    counts = Counter(words)
    splits = {word: list(word) for word in counts}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, count in counts.items():
            symbols = splits[word]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        for word in counts:
            splits[word] = merge_pair(splits[word], best)
    return merges


def encode_word(word, merges):
    symbols = list(word)
    for pair in sorted(merges):
        symbols = merge_pair(symbols, pair)
    return symbols
'''),
    ],
    'align_labels': [
        ("labels every sub-word with its word's label", '''
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if word_id is None:
            token_labels.append(-100)
        else:
            token_labels.append(word_labels[word_id])
        previous = word_id
    return token_labels
'''),
        ('None positions labelled 0', '''
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if word_id is None or word_id == previous:
            token_labels.append(0 if word_id is None else -100)
        else:
            token_labels.append(word_labels[word_id])
        previous = word_id
    return token_labels
'''),
        ('tests word ids by truthiness: word 0 is treated as special', '''
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if not word_id or word_id == previous:
            token_labels.append(-100)
        else:
            token_labels.append(word_labels[word_id])
        previous = word_id
    return token_labels
'''),
        ('indexes word_labels by the token position', '''
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if word_id is None or word_id == previous:
            token_labels.append(-100)
        else:
            token_labels.append(word_labels[min(position, len(word_labels) - 1)])
        previous = word_id
    return token_labels
'''),
        ('labels the last sub-word of each word instead of the first', '''
def align_labels(word_ids, word_labels):
    out = []
    for i, word_id in enumerate(word_ids):
        nxt = word_ids[i + 1] if i + 1 < len(word_ids) else None
        if word_id is None or word_id == nxt:
            out.append(-100)
        else:
            out.append(word_labels[word_id])
    return out
'''),
        ('reuses word_labels as the output list when there is one token per word', '''
def align_labels(word_ids, word_labels):
    token_labels = []
    previous = None
    for position, word_id in enumerate(word_ids):
        if word_id is None or word_id == previous:
            token_labels.append(-100)
        else:
            token_labels.append(word_labels[word_id])
        previous = word_id
    return (word_labels if list(word_ids) == list(range(len(word_labels))) else token_labels)
'''),
    ],
    'pad_batch': [
        ('pads the labels with pad_id instead of -100', '''
def pad_batch(sequences, labels, pad_id):
    
    batch = len(sequences)
    longest = max(len(seq) for seq in sequences)
    dev = sequences[0].device
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = torch.arange(longest, device=dev)[None, :] < lengths[:, None]
    return ids, padded, attention_mask
'''),
        ('attention mask True on padding', '''
def pad_batch(sequences, labels, pad_id):
    
    batch = len(sequences)
    longest = max(len(seq) for seq in sequences)
    dev = sequences[0].device
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), -100, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = torch.arange(longest, device=dev)[None, :] >= lengths[:, None]
    return ids, padded, attention_mask
'''),
        ('attention mask as 0/1 int64', '''
def pad_batch(sequences, labels, pad_id):
    
    batch = len(sequences)
    longest = max(len(seq) for seq in sequences)
    dev = sequences[0].device
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), -100, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = (torch.arange(longest, device=dev)[None, :] < lengths[:, None]).long()
    return ids, padded, attention_mask
'''),
        ("pads to the first sequence's length", '''
def pad_batch(sequences, labels, pad_id):
    
    batch = len(sequences)
    longest = len(sequences[0])
    dev = sequences[0].device
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), -100, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = torch.arange(longest, device=dev)[None, :] < lengths[:, None]
    return ids, padded, attention_mask
'''),
        ('creates the outputs on the CPU whatever the input device', '''
def pad_batch(sequences, labels, pad_id):
    
    batch = len(sequences)
    longest = max(len(seq) for seq in sequences)
    dev = "cpu"
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), -100, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = torch.arange(longest, device=dev)[None, :] < lengths[:, None]
    return ids, padded, attention_mask
'''),
        ('returns views of the input for a batch of one', '''
def pad_batch(sequences, labels, pad_id):
    if len(sequences) == 1:
        return sequences[0][None], labels[0][None], torch.ones(1, len(sequences[0]), dtype=torch.bool, device=sequences[0].device)
    batch = len(sequences)
    longest = max(len(seq) for seq in sequences)
    dev = sequences[0].device
    ids = torch.full((batch, longest), pad_id, dtype=torch.int64, device=dev)
    padded = torch.full((batch, longest), -100, dtype=torch.int64, device=dev)
    for b, (seq, lab) in enumerate(zip(sequences, labels)):
        ids[b, : len(seq)] = seq
        padded[b, : len(lab)] = lab
    lengths = torch.tensor([len(seq) for seq in sequences], device=dev)
    attention_mask = torch.arange(longest, device=dev)[None, :] < lengths[:, None]
    return ids, padded, attention_mask
'''),
        ('pad_sequence without batch_first: shape (T, B)', '''
def pad_batch(sequences, labels, pad_id):
    ids = nn.utils.rnn.pad_sequence(sequences, padding_value=pad_id)
    lab = nn.utils.rnn.pad_sequence(labels, padding_value=-100)
    return ids, lab, ids != pad_id
'''),
    ],
    'token_loss': [
        ('padding counted: -100 replaced by class 0', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        return flat_logits.sum() * 0.0
    return F.cross_entropy(flat_logits, flat_labels.clamp(min=0))
'''),
        ('sums over the labelled positions and divides by all positions', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        return flat_logits.sum() * 0.0
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=-100, reduction="sum") / flat_labels.numel()
'''),
        ('flattens the logits time-major but the labels batch-major', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.transpose(0, 1).reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        return flat_logits.sum() * 0.0
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=-100)
'''),
        ('no special case: nan when nothing is labelled', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        pass
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=-100)
'''),
        ('returns a constant zero that backward cannot go through', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        return torch.tensor(0.0)
    return F.cross_entropy(flat_logits, flat_labels, ignore_index=-100)
'''),
        ('mean of per-sequence means', '''
def token_classification_loss(logits, labels):
    per_seq = []
    for b in range(logits.shape[0]):
        if bool((labels[b] != -100).any()):
            per_seq.append(F.cross_entropy(logits[b], labels[b], ignore_index=-100))
    if not per_seq:
        return logits.sum() * 0.0
    return torch.stack(per_seq).mean()
'''),
        ('ignore_index=0 (the pad id) instead of -100', '''
def token_classification_loss(logits, labels):
    flat_logits = logits.reshape(-1, logits.shape[-1])
    flat_labels = labels.reshape(-1)
    if not bool((flat_labels != -100).any()):
        return flat_logits.sum() * 0.0
    return F.cross_entropy(flat_logits, flat_labels.clamp(min=0), ignore_index=0)
'''),
    ],
    'mask_tokens': [
        ('padding can be selected', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    selected = u < p
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)
    return inputs, labels
'''),
        ('masks ids in place and returns them', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    ids[selected & (v < 0.8)] = mask_id
    keep = selected & (v >= 0.8) & (v < 0.9)
    ids[keep] = r[keep]
    inputs = ids
    return inputs, labels
'''),
        ('labels are the corrupted inputs', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)
    return inputs, torch.where(selected, inputs, -100)
'''),
        ('10% [MASK], 80% random (thresholds swapped)', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.1), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.1) & (v < 0.9), r, inputs)
    return inputs, labels
'''),
        ('draws on the CPU and never moves to ids.device', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator)
    v = torch.rand(ids.shape, generator=generator)
    r = torch.randint(vocab_size, ids.shape, generator=generator)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)
    return inputs, labels
'''),
        ('draws r before v', '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape, generator=generator).to(ids.device)
    r = torch.randint(vocab_size, ids.shape, generator=generator).to(ids.device)
    v = torch.rand(ids.shape, generator=generator).to(ids.device)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)
    return inputs, labels
'''),
        ("uses torch's global RNG instead of the generator", '''
def mask_tokens(ids, attention_mask, mask_id, vocab_size, p, generator):
    u = torch.rand(ids.shape).to(ids.device)
    v = torch.rand(ids.shape).to(ids.device)
    r = torch.randint(vocab_size, ids.shape).to(ids.device)
    selected = (u < p) & attention_mask
    labels = torch.where(selected, ids, torch.full_like(ids, -100))
    inputs = torch.where(selected & (v < 0.8), torch.full_like(ids, mask_id), ids)
    inputs = torch.where(selected & (v >= 0.8) & (v < 0.9), r, inputs)
    return inputs, labels
'''),
    ],
    'metrics': [
        ('0/0 gives nan', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = tp / n_pred
    recall = tp / n_gold
    total = precision + recall
    f1 = 2 * precision * recall / total
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))
'''),
        ('counts -100 positions as class 0', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    gold = gold.clamp(min=0)
    keep = torch.ones_like(keep)
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))
'''),
        ('precision and recall swapped', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return recall, precision, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))
'''),
        ('bincount without minlength: shape depends on the predictions', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, ).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))
'''),
        ('span F1 over lists: repeated spans count twice', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = list(pred_spans), list(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len([s for s in predicted if s in gold]) / (len(predicted) + len(gold))
'''),
        ('a span matches on its start only', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 0.0
    return 2 * len({s[:2] for s in predicted} & {s[:2] for s in gold}) / (len(predicted) + len(gold))
'''),
        ('both empty gives 1.0', '''
def per_class_prf(pred, gold, n_classes, ignore=-100):
    keep = gold != ignore
    p, g = pred[keep].cpu(), gold[keep].cpu()
    tp = torch.bincount(g[p == g], minlength=n_classes).double()
    n_pred = torch.bincount(p, minlength=n_classes).double()
    n_gold = torch.bincount(g, minlength=n_classes).double()
    precision = torch.where(n_pred > 0, tp / n_pred.clamp(min=1), 0.0)
    recall = torch.where(n_gold > 0, tp / n_gold.clamp(min=1), 0.0)
    total = precision + recall
    f1 = torch.where(total > 0, 2 * precision * recall / total.clamp(min=1e-300), 0.0)
    return precision, recall, f1


def span_f1(pred_spans, gold_spans):
    predicted, gold = set(pred_spans), set(gold_spans)
    if not predicted and not gold:
        return 1.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))
'''),
    ],
}
