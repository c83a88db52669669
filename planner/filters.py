import django_filters

from shared.models import Store


class StoreFilter(django_filters.FilterSet):
    """Serves the API list and, later, the HTML store list."""

    class Meta:
        model = Store
        fields = ["fashion_tier", "location_tier", "region", "store_format", "mall_location"]
