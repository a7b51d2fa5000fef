"""The forms of the public queries (queries.py): GET forms read from the address.

No CSRF token: a query changes nothing, and its page is the same for every
visitor who has not signed in (platform/query_cache.py and query_fast_path.py
share it), which a per-visitor token would prevent while protecting nothing.

The rules and their messages are query_input's ``clean_*_query`` (one place,
tested in tests/unit/test_registry_queries.py): ``validate()`` hands them the
values as typed, puts each refusal beside its field and keeps what they
cleaned in ``values``. A field shows back at most ``ECHO_MAX`` characters.
"""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from app.services.registers import document_searches
from app.services.registers import queries as rq

ECHO_MAX = 100  # what a refused value shows back in its field
NOT_CONDITIONS = frozenset({"kind", "captcha", "captcha_id"})  # sending only these is not a query


class TypedField(StringField):
    """A condition as typed; shown back cut to ``ECHO_MAX`` characters."""

    def _value(self):
        return (self.data or "")[:ECHO_MAX]


class UnshownField(StringField):
    """An identity number: never shown back, not even a wrong one."""

    def _value(self):
        return ""


class QueryForm(FlaskForm):
    class Meta:
        csrf = False  # a GET query changes nothing and its page is shared: see the module's docstring

    captcha = StringField()
    captcha_id = StringField()

    FILTERS: tuple[str, ...] = ()  # the cleaned values the search takes (and, with the page, the page reads)
    SHOWN: tuple[str, ...] = ()  # the text fields shown back as typed: the slots of the kept form (context.kept_form)
    clean_input: Callable[[dict], tuple[dict, dict]]  # query_input's rules: typed values -> (values, errors)

    def __init__(self, args):
        super().__init__(args)
        self.args = args
        self.values: dict = {}
        self.hidden_page: int | None = None

    def asked(self) -> bool:
        """Whether the address asks a query (an empty form, or a kind chosen, is not one)."""
        return any(name in self.args for name in self._fields if name not in NOT_CONDITIONS)

    def typed(self) -> dict:
        """The values as sent (the first of each; None for one not sent)."""
        return {name: field.data for name, field in self._fields.items()}

    def clean(self) -> tuple[dict, dict]:
        return self.clean_input(self.typed())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.values, errors = self.clean()
        for name, message in errors.items():
            self[name].errors = list(self[name].errors) + [message]
        return valid and not errors

    def shown_values(self) -> dict:
        """What the kept form's slots show: each text field as typed (cut)."""
        return {name: self[name]._value() for name in self.SHOWN}

    def keepable(self) -> bool:
        """Whether the form, but for the typed values, is what everyone who chose the same options sees: no
        message beside any field (a message may echo what was typed)."""
        return not any(field.errors for field in self)

    def picture_answer(self) -> tuple[str, str]:
        """(challenge id, answer) of the picture code sent with the query."""
        return self.captcha_id.data or "", (self.captcha.data or "").strip()

    def refuse_picture(self, message) -> None:
        """The picture code is missing or wrong: say so beside it; the form then sends the page again."""
        self.captcha.errors = [message]
        self.hidden_page = self.page_kept()

    def conditions(self, names=None) -> list | None:
        """The page's conditions as sent, for its shared-cache key; None when the page is not to be shared.

        Not shared: an address with parameters the page does not read, or
        repeated ones (endless variants of one page would only push the pages
        people ask for out of the cache).
        """
        names = self.FILTERS + ("page",) if names is None else names
        given = [name for name, _value in self.args.items(multi=True)]
        if len(given) != len(set(given)) or not set(names).issuperset(given):
            return None
        return [(name, self.args.get(name, "")[:ECHO_MAX]) for name in names]

    def filters(self) -> dict:
        return {name: self.values[name] or None for name in self.FILTERS}

    def page_args(self) -> dict:
        """The cleaned criteria a pager link repeats (never the picture code)."""
        return {name: self.values[name] for name in self.FILTERS if self.values.get(name)}

    def page_kept(self) -> int | None:
        """The page a picture code form sends again (beyond the first)."""
        page = self.values.get("page") or 1
        return page if page > 1 else None


class ProgressQueryForm(QueryForm):
    number = TypedField()
    name = TypedField()

    SHOWN = ("number", "name")
    clean_input = staticmethod(rq.clean_progress_query)


class EnterpriseQueryForm(QueryForm):
    kind = StringField()
    name = TypedField()
    uscc = TypedField()
    certificate_number = TypedField()
    qualification = TypedField()
    grade = TypedField()
    province = TypedField()
    page = TypedField()

    FILTERS = ("kind", "name", "uscc", "certificate_number", "qualification", "grade", "province")
    SHOWN = ("name", "uscc", "certificate_number")
    clean_input = staticmethod(rq.clean_enterprise_query)

    def choose_kind(self) -> bool:
        """Only a kind sent (not yet a query): whether it is one of the list (then it is chosen)."""
        kind = self.kind.data or ""
        if kind and kind not in rq.ENTERPRISE_KINDS:
            self.kind.errors = [_l("Please choose from the list")]
            return False
        self.values = {"kind": kind}
        return True

    @property
    def chosen_kind(self) -> str | None:
        return self.values.get("kind") or None


class PeopleQueryForm(QueryForm):
    name = TypedField()
    document_number = UnshownField()
    registration_number = TypedField()
    employer = TypedField()
    qualification = TypedField()
    specialty = TypedField()
    province = TypedField()
    page = TypedField()
    doc = StringField()  # the token standing for an identity number (services/registers/document_searches.py)

    FILTERS = ("name", "document_number", "registration_number", "qualification", "specialty", "employer", "province")
    SHOWN = ("name", "registration_number", "employer")

    document_token: str | None = None  # a valid token: the page repeats it
    document_searched: str | None = None  # the number it stands for, masked

    def keepable(self) -> bool:
        """Not with a searched identity number: its token and masked number are this searcher's own."""
        return super().keepable() and not self.document_token and not self.document_searched

    def number_typed(self) -> str | None:
        """A well-formed identity number typed in (the page swaps it for a token); None otherwise."""
        raw = self.document_number.data or ""
        if not raw.strip():
            return None
        try:
            return rq.clean_document_number(raw)
        except rq.QueryInputError:
            return None  # refused beside the field by the page itself

    def address_with(self, token: str) -> dict:
        """The query's parameters with ``token`` instead of the identity number."""
        args = {name: value for name, value in self.args.items() if name != "document_number"}
        args["doc"] = token
        return args

    def clean(self) -> tuple[dict, dict]:
        typed, expired = self.typed(), False
        if not (self.document_number.data or "").strip():
            typed["document_number"] = None
            if self.doc.data:
                token = self.doc.data[: document_searches.TOKEN_MAX_LENGTH]
                number = document_searches.number_for(token)
                if number is None:
                    expired = True
                else:
                    typed["document_number"] = number
                    self.document_token, self.document_searched = token, rq.mask_document_number(number)
        values, errors = rq.clean_people_query(typed)
        if expired:
            if errors.get("name") is rq.KEY_FILTER_MESSAGE:
                del errors["name"]  # the expired number is the problem, not a missing condition
            errors["document_number"] = _l("This search has expired: enter the document number again")
        return values, errors

    def page_args(self) -> dict:
        args = super().page_args()
        args.pop("document_number", None)
        if self.document_token:
            args["doc"] = self.document_token
        return args


class DetailForm(QueryForm):
    """A detail page's parameters: the page of its list, and a picture code when one is due."""

    page = TypedField()

    def page_number(self) -> tuple[int, str | None]:
        """The page of the list; 1 and the message when the number is refused."""
        try:
            return rq.clean_page((self.page.data or "")[:ECHO_MAX]), None
        except rq.QueryInputError as error:
            return 1, error.message
