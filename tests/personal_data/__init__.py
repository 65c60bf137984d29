# What logging one bulk view or export costs (personal_data.services.record_access), the same
# however many people it shows (up to a thousand): the people's ids, the entry and its people,
# inside a savepoint (two more statements in a test's transaction).
ACCESS_LOG = 5
