"""Known-wrong answers for chapter 16 (hyper-parameter search); every one must fail its tests."""

MUTANTS = {
    'log_uniform': [
        ('uniform in value instead of in log space', '''
def log_uniform(low, high, n, generator=None):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)
'''),
        ("float32 samples (torch.rand's default dtype)", '''
def log_uniform(low, high, n, generator=None):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    u = torch.rand(n, generator=generator)
    return torch.exp(math.log(low) + u * (math.log(high) - math.log(low)))
'''),
        ('ignores the generator and draws from the global RNG', '''
def log_uniform(low, high, n, generator=None):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    u = torch.rand(n, dtype=torch.float64)
    return torch.exp(math.log(low) + u * (math.log(high) - math.log(low)))
'''),
        ('a fixed log-spaced grid (torch.logspace) instead of random samples', '''
def log_uniform(low, high, n, generator=None):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    return torch.logspace(math.log10(low), math.log10(high), n, dtype=torch.float64)
'''),
        ('mixes log10 and ln: 10 ** (log10(low) + u * ln(high / low))', '''
def log_uniform(low, high, n, generator=None):
    if not 0 < low < high:
        raise ValueError("need 0 < low < high")
    u = torch.rand(n, generator=generator, dtype=torch.float64)
    return 10 ** (math.log10(low) + u * (math.log(high) - math.log(low)))
'''),
        ('no check of the bounds (log of 0 or a negative number gives -inf or nan)', '''
def log_uniform(low, high, n, generator=None):
    u = torch.rand(n, generator=generator, dtype=torch.float64)
    lo, hi = torch.tensor(low, dtype=torch.float64).log(), torch.tensor(high, dtype=torch.float64).log()
    return torch.exp(lo + u * (hi - lo))
'''),
    ],
    'grid': [
        ('the FIRST key varies fastest', '''
def grid(space):
    configs = [{}]
    for key, values in reversed(list(space.items())):
        configs = [{key: value, **config} for config in configs for value in values]
    return [{key: config[key] for key in space} for config in configs]
'''),
        ('sorts the keys (only alphabetical spaces come out in the right order)', '''
def grid(space):
    keys = sorted(space)
    configs = [{}]
    for key in keys:
        configs = [{**config, key: value} for config in configs for value in space[key]]
    return configs
'''),
        ('appends the same dict object every time (all configurations alias one dict)', '''
def grid(space):
    import itertools
    configs, current = [], {}
    for combo in itertools.product(*space.values()):
        current.update(zip(space, combo))
        configs.append(current)
    return configs
'''),
        ('zips the lists instead of taking their product', '''
def grid(space):
    if not space:
        return [{}]
    return [dict(zip(space, combo)) for combo in zip(*space.values())] if len(space) > 1 else [
        {k: v} for k, vs in space.items() for v in vs
    ]
'''),
        ('an empty space gives no configuration instead of one empty one', '''
def grid(space):
    if not space:
        return []
    configs = [{}]
    for key, values in space.items():
        configs = [{**config, key: value} for config in configs for value in values]
    return configs
'''),
    ],
    'random_search': [
        ('a new generator seeded with seed in every trial: all trials draw the same values', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    history = []
    for _ in range(n):
        generator = torch.Generator().manual_seed(seed)
        config = {key: sample(generator) for key, sample in space.items()}
        history.append((config, float(objective(config))))
    best = min(range(n), key=lambda i: history[i][1])
    return history[best][0], history[best][1], history
'''),
        ('seeds the global RNG with torch.manual_seed and draws from it', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    torch.manual_seed(seed)
    generator = torch.default_generator
    history = []
    for _ in range(n):
        config = {key: sample(generator) for key, sample in space.items()}
        history.append((config, float(objective(config))))
    best = min(range(n), key=lambda i: history[i][1])
    return history[best][0], history[best][1], history
'''),
        ('keeps the configuration with the HIGHEST objective', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    generator = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(n):
        config = {key: sample(generator) for key, sample in space.items()}
        history.append((config, float(objective(config))))
    best = max(range(n), key=lambda i: history[i][1])
    return history[best][0], history[best][1], history
'''),
        ('ties go to the LAST trial (<= instead of <)', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    generator = torch.Generator().manual_seed(seed)
    history, best_config, best_value = [], None, math.inf
    for _ in range(n):
        config = {key: sample(generator) for key, sample in space.items()}
        value = float(objective(config))
        history.append((config, value))
        if value <= best_value:
            best_config, best_value = config, value
    return best_config, best_value, history
'''),
        ('reuses one dict for every trial (the history aliases the last configuration)', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    generator = torch.Generator().manual_seed(seed)
    history, config = [], {}
    for _ in range(n):
        for key, sample in space.items():
            config[key] = sample(generator)
        history.append((config, float(objective(config))))
    best = min(range(n), key=lambda i: history[i][1])
    return history[best][0], history[best][1], history
'''),
        ('off by one: runs n - 1 trials', '''
def random_search(objective, space, n, seed):
    if n < 1:
        raise ValueError("n must be at least 1")
    generator = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(1, n):
        config = {key: sample(generator) for key, sample in space.items()}
        history.append((config, float(objective(config))))
    best = min(range(len(history)), key=lambda i: history[i][1])
    return history[best][0], history[best][1], history
'''),
    ],
    'split_train_val': [
        ('off by one: the training part starts one index early and overlaps the validation part', '''
def split_train_val(n, val_fraction, seed):
    n_val = round(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError("both parts must be non-empty")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_val - 1:], order[:n_val]
'''),
        ('shuffles with the global RNG after torch.manual_seed(seed)', '''
def split_train_val(n, val_fraction, seed):
    n_val = round(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError("both parts must be non-empty")
    torch.manual_seed(seed)
    order = torch.randperm(n)
    return order[n_val:], order[:n_val]
'''),
        ('no shuffle: the last indices are the validation set', '''
def split_train_val(n, val_fraction, seed):
    n_val = round(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError("both parts must be non-empty")
    order = torch.arange(n)
    return order[: n - n_val], order[n - n_val:]
'''),
        ('int() truncates instead of round()', '''
def split_train_val(n, val_fraction, seed):
    n_val = int(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError("both parts must be non-empty")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_val:], order[:n_val]
'''),
        ('accepts an empty part (only checks 0 <= val_fraction <= 1)', '''
def split_train_val(n, val_fraction, seed):
    if not 0 <= val_fraction <= 1:
        raise ValueError("val_fraction must be in [0, 1]")
    n_val = round(val_fraction * n)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[n_val:], order[:n_val]
'''),
        ('int32 indices', '''
def split_train_val(n, val_fraction, seed):
    n_val = round(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError("both parts must be non-empty")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed), dtype=torch.int32)
    return order[n_val:], order[:n_val]
'''),
    ],
    'successive_halving': [
        ('keeps ceil(n / eta) instead of floor: wrong when n is not a power of eta', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0:
        raise ValueError("no configurations")
    if min_budget < 1 or eta < 2:
        raise ValueError("bad budget or eta")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        if len(alive) == 1:
            return alive[0], rungs
        keep = max(1, math.ceil(len(alive) / eta))
        ranked = sorted(range(len(alive)), key=lambda j: (losses[j], alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget *= eta
'''),
        ('adds eta to the budget instead of multiplying', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0:
        raise ValueError("no configurations")
    if min_budget < 1 or eta < 2:
        raise ValueError("bad budget or eta")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        if len(alive) == 1:
            return alive[0], rungs
        keep = max(1, len(alive) // eta)
        ranked = sorted(range(len(alive)), key=lambda j: (losses[j], alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget += eta
'''),
        ('keeps the configurations with the HIGHEST loss', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0:
        raise ValueError("no configurations")
    if min_budget < 1 or eta < 2:
        raise ValueError("bad budget or eta")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        if len(alive) == 1:
            return alive[0], rungs
        keep = max(1, len(alive) // eta)
        ranked = sorted(range(len(alive)), key=lambda j: (-losses[j], alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget *= eta
'''),
        ('ties: the higher index survives', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0:
        raise ValueError("no configurations")
    if min_budget < 1 or eta < 2:
        raise ValueError("bad budget or eta")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        if len(alive) == 1:
            return alive[0], rungs
        keep = max(1, len(alive) // eta)
        ranked = sorted(range(len(alive)), key=lambda j: (losses[j], -alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget *= eta
'''),
        ('forgets to multiply the budget: every rung uses min_budget', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0:
        raise ValueError("no configurations")
    if min_budget < 1 or eta < 2:
        raise ValueError("bad budget or eta")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        if len(alive) == 1:
            return alive[0], rungs
        keep = max(1, len(alive) // eta)
        ranked = sorted(range(len(alive)), key=lambda j: (losses[j], alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget *= 1
'''),
        ('stops when one configuration survives, without its final evaluation', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0 or min_budget < 1 or eta < 2:
        raise ValueError("bad arguments")
    alive, budget, rungs = list(range(len(configs))), min_budget, []
    while True:
        losses = [float(evaluate(configs[i], budget)) for i in alive]
        rungs.append({"budget": budget, "indices": list(alive), "losses": losses})
        keep = max(1, len(alive) // eta)
        ranked = sorted(range(len(alive)), key=lambda j: (losses[j], alive[j]))
        alive = sorted(alive[j] for j in ranked[:keep])
        budget *= eta
        if len(alive) == 1:
            return alive[0], rungs
'''),
        ('skips the mechanism: evaluates every configuration once with the largest budget', '''
def successive_halving(configs, evaluate, min_budget, eta=3):
    if len(configs) == 0 or min_budget < 1 or eta < 2:
        raise ValueError("bad arguments")
    n, budget = len(configs), min_budget
    while n > 1:
        n, budget = max(1, n // eta), budget * eta
    losses = [float(evaluate(c, budget)) for c in configs]
    winner = min(range(len(configs)), key=lambda i: losses[i])
    return winner, [{"budget": budget, "indices": list(range(len(configs))), "losses": losses}]
'''),
    ],
    'make_objective': [
        ('lr suggested on a linear scale (log=True forgotten)', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(step()))
            trial.report(errors[-1], epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return errors[-1]
    return objective
'''),
        ('reports with step epoch + 1', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(step()))
            trial.report(errors[-1], epoch + 1)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return errors[-1]
    return objective
'''),
        ('never asks the pruner (should_prune not called)', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(step()))
            trial.report(errors[-1], epoch)
        return errors[-1]
    return objective
'''),
        ('returns instead of raising optuna.TrialPruned', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(step()))
            trial.report(errors[-1], epoch)
            if trial.should_prune():
                return errors[-1]
        return errors[-1]
    return objective
'''),
        ('returns the best epoch instead of the last', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(step()))
            trial.report(errors[-1], epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return min(errors)
    return objective
'''),
        ('rebuilds the trainer every epoch (trains from scratch each time)', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        config = {
            "lr": trial.suggest_float("lr", 1e-4, 1e-1, log=True),
            "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
            "hidden": trial.suggest_int("hidden", 16, 512, log=True),
        }
        step = build_trainer(config)
        errors = []
        for epoch in range(num_epochs):
            errors.append(float(build_trainer(config)()))
            trial.report(errors[-1], epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return errors[-1]
    return objective
'''),
        ('draws the values itself instead of asking the trial', '''
def make_objective(build_trainer, num_epochs):
    def objective(trial):
        g = torch.Generator().manual_seed(trial.number if hasattr(trial, "number") else 0)
        u = torch.rand(3, generator=g, dtype=torch.float64)
        config = {
            "lr": float(10 ** (-4 + 3 * u[0])),
            "weight_decay": float(10 ** (-6 + 5 * u[1])),
            "hidden": int(2 ** (4 + 5 * u[2])),
        }
        step = build_trainer(config)
        error = math.nan
        for epoch in range(num_epochs):
            error = float(step())
            trial.report(error, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return error
    return objective
'''),
    ],
    'make_study': [
        ('an in-memory study (no storage)', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = None
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done)
    return study
'''),
        ('load_if_exists=False: the second call raises DuplicatedStudyError', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=False,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done)
    return study
'''),
        ('resumes with the same seed and replays the start-up trials', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        pass
    return study
'''),
        ('an unseeded sampler', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.TPESampler()
    return study
'''),
        ('direction="maximize"', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done)
    return study
'''),
        ('a seeded RandomSampler instead of TPE', '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.RandomSampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.RandomSampler(seed=seed + done)
    return study
'''),
        ("ignores name: every study is called 'fmnist-mlp'", '''
def make_study(path, seed, name="fmnist-mlp"):
    storage = f"sqlite:///{Path(path).resolve()}"
    study = optuna.create_study(
        study_name="fmnist-mlp",
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    done = len(study.trials)
    if done:
        study.sampler = optuna.samplers.TPESampler(seed=seed + done)
    return study
'''),
    ],
    'mean_and_spread': [
        ('population std (divides by k, correction=0)', '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float64).flatten()
    if x.numel() < 2:
        raise ValueError("need 2 values")
    return x.mean().item(), x.std(correction=0).item()
'''),
        ('computes in float32 (torch.tensor(values) of Python floats)', '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float32).flatten()
    if x.numel() < 2:
        raise ValueError("need 2 values")
    return x.mean().item(), x.std().item()
'''),
        ('returns 0-d tensors instead of Python floats', '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float64).flatten()
    if x.numel() < 2:
        raise ValueError("need 2 values")
    return x.mean(), x.std()
'''),
        ("subtracts the mean in place from the caller's float64 tensor", '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float64).flatten()
    if x.numel() < 2:
        raise ValueError("need 2 values")
    mean = x.mean().item()
    x -= mean
    return mean, math.sqrt(float((x * x).sum()) / (x.numel() - 1))
'''),
        ('one value gives nan instead of raising', '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float64).flatten()
    if x.numel() == 0:
        raise ValueError("need values")
    return x.mean().item(), x.std().item()
'''),
        ('standard error of the mean (std / sqrt(k)) instead of the std', '''
def mean_and_spread(values):
    x = torch.as_tensor(values, dtype=torch.float64).flatten()
    if x.numel() < 2:
        raise ValueError("need 2 values")
    return x.mean().item(), x.std().item() / math.sqrt(x.numel())
'''),
    ],
}
