"""Engine: persons to models and answers.

The knowledge base as a parsed program (program, rules, values), a person's facts, solving,
evaluating rule bodies over a model, and the keys that group persons by what decides their
answers.  May import the foundation and ``pyagent.input``.
"""
