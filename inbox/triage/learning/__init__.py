"""
The learned part of triage: features of a post (`features`), a calibrated linear
model as plain data (`model`), its training with scikit-learn (`training`) and its
decision beside the rules (`combine`). Pure: no ORM; services store and load models.
"""
