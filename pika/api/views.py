"""The base of every API view."""

from rest_framework.views import APIView

from pika.api import params


class ApiView(APIView):
    """An API view whose path ids are UUIDs or a 400 naming the parameter.

    The URLs capture ids with the ``anyuuid`` converter, which matches any segment, so a
    malformed id reaches the view instead of falling through to an HTML 404.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The handler is called with this very dict (APIView.dispatch), so parsed ids reach it.
        for name, raw in self.kwargs.items():
            self.kwargs[name] = params.uuid_value(name, raw)
