"""The crisis detector behind :mod:`bot.privacy.crisis` (use that module's functions).

* :mod:`~bot.privacy.safety.normalize`: text → plain squeezed words (case, accents, leet,
  letter repetition, spacing tricks, hidden characters);
* :mod:`~bot.privacy.safety.language`: the message's likely languages (lingua);
* :mod:`~bot.privacy.safety.lexicon`: one language's lexicon, compiled from
  ``data/crisis/<lang>.yaml``;
* :mod:`~bot.privacy.safety.model`: the learned second opinion (linear models over character
  and word n-grams, weights in ``data/crisis_model.json.gz``, trained by
  ``scripts/train_crisis_model.py``);
* :mod:`~bot.privacy.safety.detector`: all of it together, loaded once;
* :mod:`~bot.privacy.safety.categories`: the categories and the signal;
* :mod:`~bot.privacy.safety.lemmas`: regenerates ``data/crisis_lemmas.yaml`` (development).
"""
