"""Known-wrong answers for chapter 06 (CNN on MNIST); every one must fail its exercise's tests."""

MUTANTS = {
    'conv_out_size': [
        ('true division: returns a float (and does not round down)', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
'''),
        ('padding counted on one side only', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + padding - dilation * (kernel_size - 1) - 1) // stride + 1
'''),
        ('ignores dilation', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - kernel_size) // stride + 1
'''),
        ('off by one: forgets the + 1 (counts the steps between positions, not the positions)', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride
'''),
        ('rounds up (ceil_mode=True) instead of down: 7 -> 4 for a 2x2 pool', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return math.ceil((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
'''),
        ('operator precedence: // binds tighter than -, so only the final 1 is divided by the stride', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return size + 2 * padding - dilation * (kernel_size - 1) - 1 // stride + 1
'''),
        ('dilated kernel span taken as dilation * kernel_size (one too many) instead of d * (k - 1) + 1', '''
def conv_out_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * kernel_size) // stride + 1
'''),
    ],
    'spec_cnn': [
        ("the tutorial's flatten size 9216 with padded convolutions", '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return self.fc2(x)
'''),
        ('unpadded convolutions made consistent with 9216 (not the specified network)', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return self.fc2(x)
'''),
        ('softmax at the end of forward (double softmax with CrossEntropyLoss)', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 14 * 14, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return F.softmax(self.fc2(x), dim=1)
'''),
        ('functional F.dropout without training=self.training: dropout stays on in eval mode', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 14 * 14, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = F.relu(self.fc1(torch.flatten(F.dropout(x, 0.25), 1)))
        return self.fc2(F.dropout(x, 0.5))
'''),
        ('torch.flatten(x) without start_dim=1: the batch dimension is flattened too', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 14 * 14, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x)))))
        return self.fc2(x)
'''),
        ('num_classes ignored: fc2 always has 10 outputs', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 14 * 14, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return self.fc2(x)
'''),
        ('pool after conv1 instead of after conv2: same shapes and parameter count, another network', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 14 * 14, 128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = F.relu(self.conv2(self.pool(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return self.fc2(x)
'''),
        ('nn.LazyLinear(128) for fc1: the flatten size is never derived (in_features is 0 until a call)', '''
class SpecCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)
        self.fc1 = nn.LazyLinear(128)
        self.fc2 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        x = self.dropout2(F.relu(self.fc1(torch.flatten(self.dropout1(x), 1))))
        return self.fc2(x)
'''),
    ],
    'train_one_epoch': [
        ('no optimizer.zero_grad(): gradients accumulate across batches', '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
        ('no model.train(): a model left in eval mode trains without Dropout/BatchNorm stats', '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
        ('softmax before CrossEntropyLoss', '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(torch.softmax(model(X), dim=1), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
        ('mean of the batch means (the smaller last batch gets too much weight)', '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses = []
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
'''),
        ("returns a tensor (no .item()), keeping every batch's graph alive", '''
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total = total + loss * len(y)
        count += len(y)
    return total / count
'''),
    ],
    'evaluate': [
        ('no model.eval(): Dropout stays active at test time', '''
def evaluate(model, loader, loss_fn, device):
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            count += len(y)
    return total / count, correct / count
'''),
        ('no torch.no_grad(): records a graph for every batch', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        logits = model(X)
        total += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        count += len(y)
    return total / count, correct / count
'''),
        ('accuracy as the mean of per-batch accuracies', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, count, accs = 0.0, 0, []
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            total += loss_fn(logits, y).item() * len(y)
            accs.append((logits.argmax(1) == y).float().mean().item())
            count += len(y)
    return total / count, sum(accs) / len(accs)
'''),
        ('loss as the mean of per-batch means: a short last batch weighs as much as a full one', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    losses, correct, count = [], 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)
            losses.append(loss_fn(logits, y).item())
            correct += (logits.argmax(1) == y).sum().item()
            count += len(y)
    return sum(losses) / len(losses), correct / count
'''),
        ('argmax over dim 0 (the batch) instead of dim 1 (the classes)', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)

            total += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(0) == y).sum().item()
            count += len(y)
    return total / count, correct / count
'''),
        ('counts len(loader) * batch_size samples: assumes every batch is full (the last one is not)', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)

            total += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
    n = len(loader) * loader.batch_size
    return total / n, correct / n
'''),
        ('no .item(): returns 0-d tensors instead of Python floats', '''
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            logits = model(X)

            total = total + loss_fn(logits, y) * len(y)
            correct = correct + (logits.argmax(1) == y).sum()
            count += len(y)
    return total / count, correct / count
'''),
    ],
    'confusion_matrix': [
        ('transposed: rows are predictions', '''
def confusion_matrix(y_true, y_pred, num_classes):
    flat = y_pred.flatten().long().cpu() * num_classes + y_true.flatten().long().cpu()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)
'''),
        ('number of classes taken from the data (bincount without minlength)', '''
def confusion_matrix(y_true, y_pred, num_classes):
    k = int(max(y_true.max(), y_pred.max())) + 1
    flat = y_true.flatten().long().cpu() * k + y_pred.flatten().long().cpu()
    return torch.bincount(flat, minlength=k * k).reshape(k, k)
'''),
        ('float counts (torch.zeros default dtype)', '''
def confusion_matrix(y_true, y_pred, num_classes):
    cm = torch.zeros(num_classes, num_classes)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        cm[t, p] += 1
    return cm
'''),
        ("modifies y_true in place (mul_/add_ on the caller's tensor)", '''
def confusion_matrix(y_true, y_pred, num_classes):
    flat = y_true.flatten().long().cpu().mul_(num_classes).add_(y_pred.flatten().long().cpu())
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)
'''),
        ('no .long(): uint8 labels overflow in y_true * num_classes + y_pred', '''
def confusion_matrix(y_true, y_pred, num_classes):
    flat = y_true.flatten().cpu() * num_classes + y_pred.flatten().cpu()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)
'''),
        ('a Python loop over the samples (right counts, but the exercise asks for bincount)', '''
def confusion_matrix(y_true, y_pred, num_classes):
    cm = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for t, p in zip(y_true.flatten().cpu(), y_pred.flatten().cpu()):
        cm[t, p] += 1
    return cm
'''),
    ],
    'checkpoint': [
        ('optimizer state not saved: Adam restarts from zero moments', '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": {}, "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    return state["epoch"]
'''),
        ('pickles the whole model; weights_only=True cannot load it', '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model, "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(state["model"].state_dict())
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
        ('returns the next epoch (epoch + 1) instead of the stored one', '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"] + 1
'''),
        ('loads with weights_only=False: a checkpoint from the internet can run code on load', '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
        ('saves named_parameters() only: buffers (BatchNorm running statistics) are lost', '''
def save_checkpoint(path, model, optimizer, epoch):
    params = {name: p.detach() for name, p in model.named_parameters()}
    torch.save({"model": params, "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"], strict=False)
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
        ('stores the epoch as a tensor and returns it as one (not an int)', '''
def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": torch.tensor(epoch)}, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
        ("atomic save with path + '.tmp': only works for str paths, a pathlib.Path raises TypeError", '''
def save_checkpoint(path, model, optimizer, epoch):
    import os

    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, model, optimizer):
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return state["epoch"]
'''),
    ],
    'early_stopping': [
        ('off-by-one patience: stops only when num_bad_epochs > patience', '''
class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.num_bad_epochs = math.inf, 0

    def step(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best, self.num_bad_epochs = val_loss, 0
        else:
            self.num_bad_epochs += 1
        return self.num_bad_epochs > self.patience
'''),
        ('tracks the maximum instead of the minimum loss', '''
class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.num_bad_epochs = -math.inf, 0

    def step(self, val_loss):
        if val_loss > self.best + self.min_delta:
            self.best, self.num_bad_epochs = val_loss, 0
        else:
            self.num_bad_epochs += 1
        return self.num_bad_epochs >= self.patience
'''),
        ('never resets the counter after an improvement', '''
class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.num_bad_epochs = math.inf, 0

    def step(self, val_loss):
        if val_loss < self.best - self.min_delta:
            self.best = val_loss
        else:
            self.num_bad_epochs += 1
        return self.num_bad_epochs >= self.patience
'''),
        ('an equal loss counts as an improvement (<= instead of <)', '''
class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.num_bad_epochs = math.inf, 0

    def step(self, val_loss):
        if val_loss <= self.best - self.min_delta:
            self.best, self.num_bad_epochs = val_loss, 0
        else:
            self.num_bad_epochs += 1
        return self.num_bad_epochs >= self.patience
'''),
    ],
    'final_model': [
        ('zero_grad between backward and step: every update uses zero gradients', '''
def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
    )

def train_model(model, train_loader, val_loader, *, num_epochs, device, autocast_dtype=None):
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=5e-3, total_steps=num_epochs * len(train_loader))
    for epoch in range(num_epochs):
        model.train()
        for X, y in train_loader:
            X, y = X.to(device), y.to(device)
            with torch.autocast(device.type, dtype=autocast_dtype or torch.float32,
                                enabled=autocast_dtype is not None):
                loss = F.cross_entropy(model(X), y)
            loss.backward()
            optimizer.zero_grad()
            optimizer.step()
            scheduler.step()
    return model.eval()

NUM_EPOCHS = pick(8, 4)
torch.manual_seed(0)
model = train_model(build_model(), train_loader, val_loader, num_epochs=NUM_EPOCHS, device=device,
                    autocast_dtype=AMP_DTYPE)
'''),
        ('optimizer.step() never called', '''
def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
    )

def train_model(model, train_loader, val_loader, *, num_epochs, device, autocast_dtype=None):
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=5e-3, total_steps=num_epochs * len(train_loader))
    for epoch in range(num_epochs):
        model.train()
        for X, y in train_loader:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            with torch.autocast(device.type, dtype=autocast_dtype or torch.float32,
                                enabled=autocast_dtype is not None):
                loss = F.cross_entropy(model(X), y)
            loss.backward()
            scheduler.step()
    return model.eval()

NUM_EPOCHS = pick(8, 4)
torch.manual_seed(0)
model = train_model(build_model(), train_loader, val_loader, num_epochs=NUM_EPOCHS, device=device,
                    autocast_dtype=AMP_DTYPE)
'''),
        ('returns the model still in training mode (no model.eval() at the end)', '''
def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
    )

def train_model(model, train_loader, val_loader, *, num_epochs, device, autocast_dtype=None):
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=5e-3, total_steps=num_epochs * len(train_loader))
    fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, num_epochs=num_epochs,
        device=device, val_loader=val_loader, scheduler=scheduler, scheduler_step="batch",
        autocast_dtype=autocast_dtype)
    return model

NUM_EPOCHS = pick(8, 4)
torch.manual_seed(0)
model = train_model(build_model(), train_loader, val_loader, num_epochs=NUM_EPOCHS, device=device,
                    autocast_dtype=AMP_DTYPE)
'''),
        ('break in the batch loop: trains on the first batch of every epoch only (under-trained)', '''
def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
    )

def train_model(model, train_loader, val_loader, *, num_epochs, device, autocast_dtype=None):
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=5e-3, total_steps=num_epochs * len(train_loader))
    for epoch in range(num_epochs):
        model.train()
        for X, y in train_loader:
            X, y = X.to(device), y.to(device)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(X), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            break
    return model.eval()

NUM_EPOCHS = pick(8, 4)
torch.manual_seed(0)
model = train_model(build_model(), train_loader, val_loader, num_epochs=NUM_EPOCHS, device=device,
                    autocast_dtype=AMP_DTYPE)
'''),
        ('num_epochs ignored: a single epoch (one-cycle schedule sized for it), under-trained', '''
def build_model():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10),
    )

def train_model(model, train_loader, val_loader, *, num_epochs, device, autocast_dtype=None):
    model = model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=5e-3, total_steps=len(train_loader))
    fit(model, train_loader, nn.CrossEntropyLoss(), optimizer, num_epochs=1,
        device=device, val_loader=val_loader, scheduler=scheduler, scheduler_step="batch",
        autocast_dtype=autocast_dtype)
    return model.eval()

NUM_EPOCHS = pick(8, 4)
torch.manual_seed(0)
model = train_model(build_model(), train_loader, val_loader, num_epochs=NUM_EPOCHS, device=device,
                    autocast_dtype=AMP_DTYPE)
'''),
    ],
    'feature_maps': [
        ('keeps output.detach() without .clone() (an in-place ReLU later overwrites the maps)', '''
def feature_maps(model, layer, x):
    outputs = []

    def keep_output(module, inputs, output):
        outputs.append(output.detach())

    handle = layer.register_forward_hook(keep_output)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('moves the maps to the CPU for plotting (.cpu().clone(): the device is lost)', '''
def feature_maps(model, layer, x):
    outputs = []

    def keep_output(module, inputs, output):
        outputs.append(output.detach().cpu().clone())

    handle = layer.register_forward_hook(keep_output)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ("keeps the hook's input instead of its output", '''
def feature_maps(model, layer, x):
    outputs = []

    def keep_output(module, inputs, output):
        outputs.append(inputs[0].detach().clone())

    handle = layer.register_forward_hook(keep_output)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('never removes the hook (it stays on the layer and runs on every later call)', '''
def feature_maps(model, layer, x):
    outputs = []
    layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(x)
    model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('removes the hook and restores the mode only when the forward pass succeeds (no finally)', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(x)
    handle.remove()
    model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ("skips the hook: calls layer(x) on the model's input (right only for the first layer)", '''
def feature_maps(model, layer, x):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = layer(x)
    model.train(was_training)
    return out.clone()
'''),
        ('runs the model in train mode (no model.eval(): Dropout active, BatchNorm batch stats)', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('calls model.eval() and never restores the previous mode', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('ends with model.train() whatever the mode was before (an eval model comes back training)', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train()
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('records gradients (detaches the output but runs model(x) without torch.no_grad())', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    was_training = model.training
    try:
        model.eval()
        model(x)
    finally:
        handle.remove()
        model.train(was_training)
    if not outputs:
        raise ValueError("layer did not run")
    return outputs[0]
'''),
        ('no check that the layer ran (an unused layer gives an IndexError, not a ValueError)', '''
def feature_maps(model, layer, x):
    outputs = []
    handle = layer.register_forward_hook(lambda m, i, o: outputs.append(o.detach().clone()))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was_training)
    return outputs[0]
'''),
        ('keeps the maps in a list made outside the function (a second call returns the first maps)', '''
_kept_maps = []


def feature_maps(model, layer, x):
    handle = layer.register_forward_hook(lambda m, i, o: _kept_maps.append(o.detach().clone()))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was_training)
    if not _kept_maps:
        raise ValueError("layer did not run")
    return _kept_maps[0]
'''),
    ],
}
