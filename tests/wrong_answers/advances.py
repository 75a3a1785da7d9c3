"""Plausible wrong answers for Chapter 4's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ------------------------------------------------------------------ 05-large-models
    'large-count-parameters': [
        ("counts only the 12 D^2 weights of a block: no biases, no LayerNorms", '''
def count_parameters(V, D, L, T):
    return V * D + T * D + L * 12 * D * D + 2 * D + V * D
'''),
        ("ties the head to the token embedding: V D counted once", '''
def count_parameters(V, D, L, T):
    return V * D + T * D + L * (12 * D * D + 13 * D) + 2 * D
'''),
        ("forgets the position table", '''
def count_parameters(V, D, L, T):
    return V * D + L * (12 * D * D + 13 * D) + 2 * D + V * D
'''),
        ("sizes the MLP D -> D instead of D -> 4D -> D", '''
def count_parameters(V, D, L, T):
    block = (4 * D * D + 4 * D) + (2 * D * D + 2 * D) + 4 * D
    return V * D + T * D + L * block + 2 * D + V * D
'''),
    ],
    'large-causal-mask': [
        ("keeps tril: True where attention is allowed, the opposite of the layer's convention", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).tril()
'''),
        ("triu without diagonal=1: every position hidden from itself", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).triu()
'''),
        ("a float mask of 0 and 1, which the layer adds to the scores", '''
def causal_mask(T):
    return torch.ones(T, T).triu(diagonal=1)
'''),
    ],
    'large-distillation-loss': [
        ("swaps p and q: KL(q || p), the student's distribution weighting the sum", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_q.exp() * (log_q - log_p)).sum(dim=-1).mean()
'''),
        ("forgets the factor tau^2", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
        ("divides only the student's logits by tau", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach(), dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
        ("sums over the positions instead of averaging", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum()
'''),
        ("lets the gradient flow into the teacher's logits", '''
def distillation_loss(student_logits, teacher_logits, temperature):
    log_p = torch.log_softmax(teacher_logits / temperature, dim=-1)
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)
    return temperature ** 2 * (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()
'''),
    ],
}
