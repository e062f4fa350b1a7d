# Recommends from an exported .m6model in Python without M6 Workbench (Debian: python3-torch).
# Usage: python3 recommend.py MODEL.m6model ITEM,ITEM,...  (a new user's items, oldest first)
import json, sys
import torch

model = torch.jit.load(sys.argv[1])
vocab = json.loads(model.vocab)
index = {item: i for i, item in enumerate(vocab["items"])}
history = [index[item] for item in sys.argv[2].split(",")]
items, scores = model.recommend(history, -1, -1, 10)
for item, score in zip(items, scores):
    print(vocab["items"][item], f"{score:.9g}", vocab["item_titles"][item])
