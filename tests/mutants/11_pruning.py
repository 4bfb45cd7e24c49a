"""Known-wrong answers for chapter 11 (pruning); every one must fail its exercise's tests."""

MUTANTS = {
    'l1_mask': [
        ('prunes the LARGEST magnitudes instead of the smallest', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = round(amount * n)
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k).indices] = 0
    return mask
'''),
        ('ranks signed values instead of magnitudes (prunes large negative weights)', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = round(amount * n)
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().reshape(-1), k, largest=False).indices] = 0
    return mask
'''),
        ('truncates the count: int(amount * n) instead of round', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = int(amount * n)
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = 0
    return mask
'''),
        ("rounds halves up (floor(x + 0.5)) instead of Python's round-half-to-even", '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = math.floor(amount * n + 0.5)
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = 0
    return mask

import math
'''),
        ('treats every amount <= 1 as a fraction (amount=1 prunes everything)', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    k = round(amount * n) if amount <= 1 else int(amount)
    if k > n or k < 0:
        raise ValueError("amount out of range")
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = 0
    return mask
'''),
        ('threshold at the k-th smallest magnitude: prunes every tie, more than k entries', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = round(amount * n)
    magnitude = weight.detach().abs()
    if k == 0:
        return torch.ones_like(magnitude)
    threshold = magnitude.reshape(-1).kthvalue(k).values
    return (magnitude > threshold).to(weight.dtype)
'''),
        ('no range checks: amount=11 on 10 entries silently prunes everything', '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    k = min(max(amount if isinstance(amount, int) else round(amount * n), 0), n)
    mask = torch.ones(weight.shape, dtype=weight.dtype, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = 0
    return mask
'''),
        ("returns a bool mask instead of the weight's dtype", '''
def l1_unstructured_mask(weight, amount):
    n = weight.numel()
    if isinstance(amount, int):
        if not 0 <= amount <= n:
            raise ValueError("amount out of range")
        k = amount
    else:
        if not 0.0 <= amount <= 1.0:
            raise ValueError("amount out of range")
        k = round(amount * n)
    mask = torch.ones(weight.shape, dtype=torch.bool, device=weight.device)
    if k > 0:
        mask.view(-1)[torch.topk(weight.detach().abs().reshape(-1), k, largest=False).indices] = False
    return mask
'''),
    ],
    'per_step_amount': [
        ('divides the target by the number of steps (amounts do not add up)', '''
def per_step_amount(final_sparsity, num_steps):
    if not 0.0 <= final_sparsity <= 1.0 or num_steps < 1:
        raise ValueError("out of range")
    return final_sparsity / num_steps
'''),
        ('takes the root of the sparsity instead of the density', '''
def per_step_amount(final_sparsity, num_steps):
    if not 0.0 <= final_sparsity <= 1.0 or num_steps < 1:
        raise ValueError("out of range")
    return final_sparsity ** (1.0 / num_steps)
'''),
        ('uses integer division in the exponent (1 // num_steps is 0 for two or more steps)', '''
def per_step_amount(final_sparsity, num_steps):
    if not 0.0 <= final_sparsity <= 1.0 or num_steps < 1:
        raise ValueError("out of range")
    return 1.0 - (1.0 - final_sparsity) ** (1 // num_steps)
'''),
        ('rejects final_sparsity == 1.0 (open interval instead of the documented [0, 1])', '''
def per_step_amount(final_sparsity, num_steps):
    if not 0.0 <= final_sparsity < 1.0:
        raise ValueError("final_sparsity must be below 1")
    if num_steps < 1:
        raise ValueError("num_steps must be at least 1")
    return 1.0 - (1.0 - final_sparsity) ** (1.0 / num_steps)
'''),
        ('returns a 0-dim tensor, not a Python float', '''
def per_step_amount(final_sparsity, num_steps):
    if not 0.0 <= final_sparsity <= 1.0 or num_steps < 1:
        raise ValueError("out of range")
    density = torch.tensor(1.0 - final_sparsity, dtype=torch.float64)
    return 1.0 - density ** (1.0 / num_steps)
'''),
        ('validates nothing (num_steps=0 divides by zero, 1.5 gives a complex number)', '''
def per_step_amount(final_sparsity, num_steps):
    return 1.0 - (1.0 - final_sparsity) ** (1.0 / num_steps)
'''),
    ],
    'global_masks': [
        ('prunes each tensor separately by the same fraction (per-layer, not global)', '''
def global_l1_masks(weights, amount):
    masks = []
    total = sum(w.numel() for w in weights)
    for w in weights:
        k = round(amount * w.numel()) if isinstance(amount, float) else round(amount * w.numel() / total)
        mask = torch.ones_like(w)
        if k > 0:
            mask.view(-1)[torch.topk(w.detach().abs().reshape(-1), k, largest=False).indices] = 0
        masks.append(mask)
    return masks
'''),
        ('ranks signed values instead of magnitudes', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([w.detach().reshape(-1) for w in weights])
    k = amount if isinstance(amount, int) else round(amount * flat.numel())
    flat_mask = torch.ones_like(flat)
    if k > 0:
        flat_mask[torch.topk(flat, k, largest=False).indices] = 0
    chunks = torch.split(flat_mask, [w.numel() for w in weights])
    return [c.view(w.shape) for c, w in zip(chunks, weights)]
'''),
        ('normalises each layer by its largest magnitude before ranking', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([(w.detach().abs() / w.detach().abs().max()).reshape(-1) for w in weights])
    k = amount if isinstance(amount, int) else round(amount * flat.numel())
    flat_mask = torch.ones_like(flat)
    if k > 0:
        flat_mask[torch.topk(flat, k, largest=False).indices] = 0
    chunks = torch.split(flat_mask, [w.numel() for w in weights])
    return [c.view(w.shape).to(w.dtype) for c, w in zip(chunks, weights)]
'''),
        ('prunes everything at or below the k-th magnitude (ties prune more than k)', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([w.detach().abs().reshape(-1) for w in weights])
    k = amount if isinstance(amount, int) else round(amount * flat.numel())
    if k == 0:
        return [torch.ones_like(w) for w in weights]
    threshold = flat.kthvalue(k).values
    return [(w.detach().abs() > threshold).to(w.dtype) for w in weights]
'''),
        ('truncates k with int() where PyTorch rounds', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([w.detach().reshape(-1) for w in weights])
    k = amount if isinstance(amount, int) else int(amount * flat.numel())
    flat_mask = torch.ones_like(flat)
    if k > 0:
        flat_mask[torch.topk(flat.abs(), k, largest=False).indices] = 0
    chunks = torch.split(flat_mask, [w.numel() for w in weights])
    return [c.view(w.shape).to(w.dtype) for c, w in zip(chunks, weights)]
'''),
        ('treats any amount <= 1 as a fraction (the int 1 prunes everything)', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([w.detach().reshape(-1) for w in weights])
    k = round(amount * flat.numel()) if amount <= 1 else int(amount)
    flat_mask = torch.ones_like(flat)
    if k > 0:
        flat_mask[torch.topk(flat.abs(), k, largest=False).indices] = 0
    chunks = torch.split(flat_mask, [w.numel() for w in weights])
    return [c.view(w.shape).to(w.dtype) for c, w in zip(chunks, weights)]
'''),
        ('builds the flat mask with torch.ones(n): float32 on the CPU whatever the weights', '''
def global_l1_masks(weights, amount):
    flat = torch.cat([w.detach().reshape(-1) for w in weights])
    k = amount if isinstance(amount, int) else round(amount * flat.numel())
    flat_mask = torch.ones(flat.numel())
    if k > 0:
        flat_mask[torch.topk(flat.abs(), k, largest=False).indices.cpu()] = 0
    chunks = torch.split(flat_mask, [w.numel() for w in weights])
    return [c.view(w.shape) for c, w in zip(chunks, weights)]
'''),
    ],
    'weight_sparsity': [
        ('counts the parameters, i.e. weight_orig on pruned modules (sees no zeros)', '''
def weight_sparsity(model):
    zeros = total = 0
    for name, p in model.named_parameters():
        if "weight" in name and p.dim() > 1:
            zeros += int((p == 0).sum())
            total += p.numel()
    return zeros / total if total else 0.0
'''),
        ('counts the zeros of the masks: 0 after prune.remove, blind to genuine zeros', '''
def weight_sparsity(model):
    zeros = total = 0
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            total += module.weight.numel()
            if hasattr(module, "weight_mask"):
                zeros += int((module.weight_mask == 0).sum())
    return zeros / total if total else 0.0
'''),
        ('averages the per-layer sparsities (a 30-weight layer counts like a 1440-weight one)', '''
def weight_sparsity(model):
    per_layer = [
        (m.weight == 0).float().mean().item()
        for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))
    ]
    return sum(per_layer) / len(per_layer) if per_layer else 0.0
'''),
        ('counts every parameter and buffer named weight/bias (BatchNorm, biases included)', '''
def weight_sparsity(model):
    zeros = total = 0
    for module in model.modules():
        for name in ("weight", "bias"):
            t = getattr(module, name, None)
            if isinstance(t, torch.Tensor):
                zeros += int((t == 0).sum())
                total += t.numel()
    return zeros / total if total else 0.0
'''),
        ('counts Linear and Conv2d only (Conv1d and Conv3d are convolutions too)', '''
def weight_sparsity(model):
    zeros = total = 0
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            zeros += int((module.weight == 0).sum())
            total += module.weight.numel()
    return zeros / total if total else 0.0
'''),
        ('walks model.children(): layers nested deeper are missed', '''
def weight_sparsity(model):
    zeros = total = 0
    for module in model.children():
        if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            zeros += int((module.weight == 0).sum())
            total += module.weight.numel()
    return zeros / total if total else 0.0
'''),
    ],
    'make_permanent': [
        ("removes only 'weight': a pruned bias keeps bias_orig and bias_mask", '''
def make_pruning_permanent(model):
    for module in model.modules():
        if hasattr(module, "weight_orig"):
            prune.remove(module, "weight")
    return model
'''),
        ('restores weight_orig instead of folding in the mask (the zeros come back)', '''
def make_pruning_permanent(model):
    for module in model.modules():
        for key in list(module._forward_pre_hooks):
            hook = module._forward_pre_hooks[key]
            if isinstance(hook, prune.BasePruningMethod):
                name = hook._tensor_name
                original = getattr(module, name + "_orig")
                del module._parameters[name + "_orig"]
                del module._buffers[name + "_mask"]
                delattr(module, name)
                module.register_parameter(name, nn.Parameter(original.detach()))
                del module._forward_pre_hooks[key]
    return model
'''),
        ('only detaches the hooks: weight_orig and weight_mask stay in the state_dict', '''
def make_pruning_permanent(model):
    for module in model.modules():
        for key in list(module._forward_pre_hooks):
            if isinstance(module._forward_pre_hooks[key], prune.BasePruningMethod):
                del module._forward_pre_hooks[key]
    return model
'''),
        ('returns a pruned copy and leaves the model as it was', '''
def make_pruning_permanent(model):
    model = copy.deepcopy(model)
    for module in model.modules():
        for name in [n[:-5] for n, _ in module.named_parameters(recurse=False) if n.endswith("_orig")]:
            prune.remove(module, name)
    return model
'''),
    ],
    'shrink_conv': [
        ('forgets to slice the BatchNorm (bn1 keeps all channels)', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        pass
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    pass
    return small.train(model.training)
'''),
        ("copies BatchNorm's affine parameters but not its running statistics", '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        pass
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('slices conv2 on the wrong dim (its output channels)', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('ranks by a norm over the wrong dim (per kernel position, not per filter)', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).norm(p=p, dim=0)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('keeps the SMALLEST filters', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = -conv1.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('keeps the first `keep` channels, whatever their norm', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = torch.arange(conv1.out_channels, 0, -1, dtype=torch.float32)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('ranks by the signed sum of the filter instead of a norm', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).sum(dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
        ('ignores p: always L1', '''
def shrink_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv1, bn1, conv2 = small.features[0], small.features[1], small.features[4]
    scores = conv1.weight.detach().flatten(1).abs().sum(dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    new_conv1 = nn.Conv2d(conv1.in_channels, keep, conv1.kernel_size, padding=conv1.padding)
    new_bn1 = nn.BatchNorm2d(keep)
    new_conv2 = nn.Conv2d(keep, conv2.out_channels, conv2.kernel_size, padding=conv2.padding)
    with torch.no_grad():
        new_conv1.weight.copy_(conv1.weight[kept])
        new_conv1.bias.copy_(conv1.bias[kept])
        new_bn1.weight.copy_(bn1.weight[kept])
        new_bn1.bias.copy_(bn1.bias[kept])
        new_bn1.running_mean.copy_(bn1.running_mean[kept]); new_bn1.running_var.copy_(bn1.running_var[kept])
        new_conv2.weight.copy_(conv2.weight[:, kept])
        new_conv2.bias.copy_(conv2.bias)
    small.features[0], small.features[4] = new_conv1, new_conv2
    small.features[1] = new_bn1
    return small.train(model.training)
'''),
    ],
    'shrink_last': [
        ("slices fc1's columns channel-last (c + C*k) instead of in blocks of 49", '''
def shrink_last_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv2, bn2, fc1 = small.features[4], small.features[5], small.classifier[1]
    scores = conv2.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    c, hidden = conv2.out_channels, fc1.out_features
    spatial = fc1.in_features // c
    new_conv2 = nn.Conv2d(conv2.in_channels, keep, conv2.kernel_size, padding=conv2.padding)
    new_bn2 = nn.BatchNorm2d(keep)
    new_fc1 = nn.Linear(keep * spatial, hidden)
    with torch.no_grad():
        new_conv2.weight.copy_(conv2.weight[kept])
        new_conv2.bias.copy_(conv2.bias[kept])
        new_bn2.weight.copy_(bn2.weight[kept])
        new_bn2.bias.copy_(bn2.bias[kept])
        new_bn2.running_mean.copy_(bn2.running_mean[kept]); new_bn2.running_var.copy_(bn2.running_var[kept])
        new_fc1.weight.copy_(fc1.weight.view(hidden, spatial, c)[:, :, kept].reshape(hidden, -1))
        new_fc1.bias.copy_(fc1.bias)
    small.features[4], small.features[5], small.classifier[1] = new_conv2, new_bn2, new_fc1
    return small.train(model.training)
'''),
        ('slices fc1 with the channel indices only (one column per channel)', '''
def shrink_last_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv2, bn2, fc1 = small.features[4], small.features[5], small.classifier[1]
    scores = conv2.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    c, hidden = conv2.out_channels, fc1.out_features
    spatial = fc1.in_features // c
    new_conv2 = nn.Conv2d(conv2.in_channels, keep, conv2.kernel_size, padding=conv2.padding)
    new_bn2 = nn.BatchNorm2d(keep)
    new_fc1 = nn.Linear(keep * spatial, hidden)
    with torch.no_grad():
        new_conv2.weight.copy_(conv2.weight[kept])
        new_conv2.bias.copy_(conv2.bias[kept])
        new_bn2.weight.copy_(bn2.weight[kept])
        new_bn2.bias.copy_(bn2.bias[kept])
        new_bn2.running_mean.copy_(bn2.running_mean[kept]); new_bn2.running_var.copy_(bn2.running_var[kept])
        new_fc1.weight.copy_(fc1.weight[:, kept])
        new_fc1.bias.copy_(fc1.bias)
    small.features[4], small.features[5], small.classifier[1] = new_conv2, new_bn2, new_fc1
    return small.train(model.training)
'''),
        ("copies BatchNorm's affine parameters but not its running statistics", '''
def shrink_last_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv2, bn2, fc1 = small.features[4], small.features[5], small.classifier[1]
    scores = conv2.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.topk(scores, keep).indices.sort().values
    c, hidden = conv2.out_channels, fc1.out_features
    spatial = fc1.in_features // c
    new_conv2 = nn.Conv2d(conv2.in_channels, keep, conv2.kernel_size, padding=conv2.padding)
    new_bn2 = nn.BatchNorm2d(keep)
    new_fc1 = nn.Linear(keep * spatial, hidden)
    with torch.no_grad():
        new_conv2.weight.copy_(conv2.weight[kept])
        new_conv2.bias.copy_(conv2.bias[kept])
        new_bn2.weight.copy_(bn2.weight[kept])
        new_bn2.bias.copy_(bn2.bias[kept])
        pass
        new_fc1.weight.copy_(fc1.weight.view(hidden, c, spatial)[:, kept].reshape(hidden, -1))
        new_fc1.bias.copy_(fc1.bias)
    small.features[4], small.features[5], small.classifier[1] = new_conv2, new_bn2, new_fc1
    return small.train(model.training)
'''),
        ('keeps the first `keep` conv2 channels, whatever their norm', '''
def shrink_last_conv_channels(model, keep, p=1.0):
    small = copy.deepcopy(model)
    conv2, bn2, fc1 = small.features[4], small.features[5], small.classifier[1]
    scores = conv2.weight.detach().flatten(1).norm(p=p, dim=1)
    kept = torch.arange(keep)
    c, hidden = conv2.out_channels, fc1.out_features
    spatial = fc1.in_features // c
    new_conv2 = nn.Conv2d(conv2.in_channels, keep, conv2.kernel_size, padding=conv2.padding)
    new_bn2 = nn.BatchNorm2d(keep)
    new_fc1 = nn.Linear(keep * spatial, hidden)
    with torch.no_grad():
        new_conv2.weight.copy_(conv2.weight[kept])
        new_conv2.bias.copy_(conv2.bias[kept])
        new_bn2.weight.copy_(bn2.weight[kept])
        new_bn2.bias.copy_(bn2.bias[kept])
        new_bn2.running_mean.copy_(bn2.running_mean[kept]); new_bn2.running_var.copy_(bn2.running_var[kept])
        new_fc1.weight.copy_(fc1.weight.view(hidden, c, spatial)[:, kept].reshape(hidden, -1))
        new_fc1.bias.copy_(fc1.bias)
    small.features[4], small.features[5], small.classifier[1] = new_conv2, new_bn2, new_fc1
    return small.train(model.training)
'''),
    ],
    'n_out_of_m': [
        ("PRUNING_TYPE 'unstructured' copied from L1Unstructured: a second pruning step hands compute_mask a flat list of the surviving entries", '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "unstructured"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('ignores default_mask: a second pruning step revives what the first one pruned', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return keep.reshape(default_mask.shape).to(default_mask.dtype)
'''),
        ('ranks already pruned entries too (then multiplies by default_mask): a group keeps fewer than n live entries', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        pass
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('keeps the n smallest magnitudes (largest=False)', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1, largest=False).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('a threshold at the n-th largest magnitude: ties keep more than n per group', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        threshold = torch.topk(groups, self.n, dim=1).values[:, -1:]
        keep = groups >= threshold
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('hard-codes 2:4, whatever n and m (only the default works)', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = 2, 4

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('reads n as the number to prune per group (keeps m - n; 2:4 hides it)', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.m - self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ('ranks by the signed value, not the magnitude', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
        ("returns a bool mask (not default_mask's dtype)", '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return (default_mask != 0) & keep.reshape(default_mask.shape)
'''),
        ('returns the mask as a (rows, row length) matrix: right for Linear, wrong for conv', '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros_like(alive).scatter_(1, winners, True)
        return (default_mask.reshape(t.shape[0], -1) * keep.reshape(t.shape[0], -1))
'''),
        ("builds the keep tensor on the CPU, whatever the weight's device", '''
class NOutOfMPruning(prune.BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, n=2, m=4):
        if not 1 <= n <= m:
            raise ValueError(f"need 1 <= n <= m, got n={n}, m={m}")
        self.n, self.m = n, m

    def compute_mask(self, t, default_mask):
        if t.dim() < 2 or t[0].numel() % self.m != 0:
            raise ValueError("the rows do not split into groups of m")
        groups = t.detach().abs().reshape(-1, self.m)
        alive = default_mask.reshape(-1, self.m) != 0
        groups = groups.masked_fill(~alive, -1.0)
        winners = torch.topk(groups, self.n, dim=1).indices
        keep = torch.zeros(alive.shape, dtype=torch.bool).scatter_(1, winners, True)
        return default_mask * keep.reshape(default_mask.shape)
'''),
    ],
}
