"""`field__any_of=...`: `field = ANY(array)` for PostgreSQL.

With a list, the query carries one array parameter however many values it holds (an `__in`
list of 20,000 ids is 20,000 placeholders to send and to parse); with an `ArraySubquery`, a
condition the planner answers from the field's index even inside an OR.
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # the list goes to the database whole, as one array

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
# Relations keep lookups of their own, apart from the other fields'.
ForeignObject.register_lookup(AnyOf)
